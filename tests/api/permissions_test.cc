#include "api/permissions.h"

#include <gtest/gtest.h>

#include "api/rate_limiter.h"

namespace sluice::api {
namespace {

using P = Permission;

Principal Member(std::map<std::string, Role, std::less<>> teams) {
  Principal p;
  p.kind = Principal::Kind::kToken;
  p.name = "u";
  p.teams = std::move(teams);
  return p;
}

TEST(PermissionsTest, NamesRoundTrip) {
  for (Permission p : AllPermissions())
    EXPECT_EQ(ParsePermission(PermissionName(p)), p);
  EXPECT_FALSE(ParsePermission("jobs:admin"));
  EXPECT_EQ(AllPermissions().size(), 11u);
  EXPECT_EQ(PermissionNames(Only({P::kSqlUse, P::kJobsRead})),
            (std::vector<std::string>{"jobs:read", "sql:use"}));
  EXPECT_EQ(*ParseRole("developer"), Role::kDeveloper);
  EXPECT_FALSE(ParseRole("owner").ok());
}

TEST(PermissionsTest, RolesGrowFromViewerToAdmin) {
  EXPECT_EQ(PermissionNames(RolePermissions(Role::kViewer)),
            (std::vector<std::string>{"jobs:read", "clusters:read", "teams:read", "sql:use"}));
  EXPECT_EQ((RolePermissions(Role::kViewer) & ~RolePermissions(Role::kDeveloper)).count(), 0u);
  EXPECT_EQ((RolePermissions(Role::kDeveloper) & ~RolePermissions(Role::kAdmin)).count(), 0u);
  EXPECT_TRUE(RolePermissions(Role::kDeveloper).test(static_cast<size_t>(P::kJobsOperate)));
  EXPECT_TRUE(RolePermissions(Role::kDeveloper).test(static_cast<size_t>(P::kSqlUse)));
  EXPECT_FALSE(RolePermissions(Role::kDeveloper).test(static_cast<size_t>(P::kClustersWrite)));
  EXPECT_FALSE(RolePermissions(Role::kAdmin).test(static_cast<size_t>(P::kUsersWrite)));
}

TEST(PermissionsTest, TeamRolesApplyInTheirTeamOnly) {
  Principal p = Member({{"data", Role::kDeveloper}, {"ads", Role::kViewer}});
  EXPECT_TRUE(p.CanInTeam(P::kJobsWrite, "data"));
  EXPECT_FALSE(p.CanInTeam(P::kJobsWrite, "ads"));
  EXPECT_TRUE(p.CanInTeam(P::kJobsRead, "ads"));
  EXPECT_FALSE(p.CanInTeam(P::kJobsRead, "other"));
  EXPECT_TRUE(p.CanAnywhere(P::kJobsWrite));
  EXPECT_FALSE(p.CanAnywhere(P::kClustersWrite));
  EXPECT_FALSE(p.CanGlobally(P::kJobsRead));
  EXPECT_EQ(p.TeamsWith(P::kJobsWrite), std::vector<std::string>{"data"});
}

TEST(PermissionsTest, GlobalAdminsCanEverythingWithinTheirScopes) {
  Principal admin = Member({});
  admin.is_admin = true;
  for (Permission x : AllPermissions()) {
    EXPECT_TRUE(admin.CanGlobally(x));
    EXPECT_TRUE(admin.CanInTeam(x, "any"));
  }
  admin.scopes = Only({P::kJobsRead});
  EXPECT_TRUE(admin.CanInTeam(P::kJobsRead, "any"));
  EXPECT_FALSE(admin.CanInTeam(P::kJobsWrite, "any"));
  EXPECT_EQ(PermissionNames(admin.Effective()), std::vector<std::string>{"jobs:read"});
}

TEST(PermissionsTest, ScopesNeverAddToTheUser) {
  Principal p = Member({{"data", Role::kViewer}});
  p.scopes = Only({P::kJobsRead, P::kJobsWrite, P::kUsersWrite});
  EXPECT_TRUE(p.CanInTeam(P::kJobsRead, "data"));
  EXPECT_FALSE(p.CanInTeam(P::kJobsWrite, "data"));
  EXPECT_FALSE(p.CanGlobally(P::kUsersWrite));
  EXPECT_EQ(PermissionNames(p.Effective()), std::vector<std::string>{"jobs:read"});
}

TEST(PermissionsTest, ResourcesLimitedToTeams) {
  Principal p = Member({{"data", Role::kAdmin}, {"ads", Role::kViewer}});
  EXPECT_TRUE(p.CanForTeams(P::kClustersRead, {}, false));   // for every team: readable
  EXPECT_FALSE(p.CanForTeams(P::kClustersWrite, {}, true));  // but changing needs global
  EXPECT_TRUE(p.CanForTeams(P::kClustersWrite, {"data"}, true));
  EXPECT_FALSE(p.CanForTeams(P::kClustersWrite, {"data", "ads"}, true));  // all of them
  EXPECT_TRUE(p.CanForTeams(P::kClustersRead, {"ads", "ml"}, false));     // one of them
  EXPECT_FALSE(p.CanForTeams(P::kClustersRead, {"ml"}, false));
  Principal anonymous;
  EXPECT_FALSE(anonymous.CanForTeams(P::kClustersRead, {}, false));
  EXPECT_FALSE(anonymous.CanAnywhere(P::kJobsRead));
}

TEST(RateLimiterTest, AllowsUpToTheLimitPerWindow) {
  RateLimiter limiter(3, 1000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.RetryAfter("k", 100 + i), 0);
    limiter.Record("k", 100 + i);
  }
  EXPECT_EQ(limiter.RetryAfter("k", 500), 600);  // the first event leaves the window at 1100
  EXPECT_EQ(limiter.RetryAfter("other", 500), 0);
  EXPECT_EQ(limiter.RetryAfter("k", 1100), 0);
  limiter.Reset("k");
  EXPECT_EQ(limiter.RetryAfter("k", 500), 0);
}

TEST(RateLimiterTest, ForgetsTheOldestKeysWhenFull) {
  RateLimiter limiter(1, 1'000'000, 10);
  for (int i = 0; i < 10; ++i)
    limiter.Record("k" + std::to_string(i), i);
  limiter.Record("new", 100);
  EXPECT_EQ(limiter.RetryAfter("k0", 101), 0);  // forgotten
  EXPECT_GT(limiter.RetryAfter("k9", 101), 0);
  EXPECT_GT(limiter.RetryAfter("new", 101), 0);
}

}  // namespace
}  // namespace sluice::api
