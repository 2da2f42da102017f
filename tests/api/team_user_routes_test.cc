// Teams and members, users and their changes, the audit log and who may read it.
#include "api_fixture.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

class TeamUserRoutesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("root", true);
    root_ = TokenFor("root");
  }
  std::string root_;
};

TEST_F(TeamUserRoutesTest, TeamsAndMembers) {
  Reply created =
      Call("POST", "/api/v1/teams", root_, {{"name", "data"}, {"description", "the data team"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["name"], "data");
  EXPECT_EQ(Call("POST", "/api/v1/teams", root_, {{"name", "data"}}).status, 409);
  CreateUser("alice");
  CreateUser("bob");
  Reply put = Call("PUT", "/api/v1/teams/data/members/alice", root_, {{"role", "admin"}});
  ASSERT_EQ(put.status, 200) << put.body;
  std::string alice = TokenFor("alice");
  // The team admin manages members of their team.
  EXPECT_EQ(Call("PUT", "/api/v1/teams/data/members/bob", alice, {{"role", "viewer"}}).status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/teams/data/members/bob", alice, {{"role", "developer"}}).status,
            200);
  Reply team = Call("GET", "/api/v1/teams/data", TokenFor("bob"));
  ASSERT_EQ(team.status, 200);
  EXPECT_EQ(team.json()["members"],
            json::parse(R"([{"user":"alice","role":"admin"},{"user":"bob","role":"developer"}])"));
  EXPECT_EQ(Call("PUT", "/api/v1/teams/data/members/bob", alice, {{"role", "owner"}}).status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/teams/data/members/nobody", alice, {{"role", "viewer"}}).status,
            404);
  EXPECT_EQ(Call("PUT", "/api/v1/teams/other/members/bob", alice, {{"role", "viewer"}}).status,
            403);
  EXPECT_EQ(Call("PUT", "/api/v1/teams/other/members/bob", root_, {{"role", "viewer"}}).status,
            404);
  EXPECT_EQ(
      Call("PUT", "/api/v1/teams/data/members/alice", TokenFor("bob"), {{"role", "viewer"}}).status,
      403);

  // Listing: members see their teams; administrators see all.
  ASSERT_EQ(Call("POST", "/api/v1/teams", root_, {{"name", "ads"}}).status, 201);
  auto teams = Call("GET", "/api/v1/teams", TokenFor("bob")).json()["teams"];
  ASSERT_EQ(teams.size(), 1u);
  EXPECT_EQ(teams[0]["role"], "developer");
  EXPECT_EQ(Call("GET", "/api/v1/teams", root_).json()["teams"].size(), 2u);

  EXPECT_EQ(Call("DELETE", "/api/v1/teams/data/members/bob", alice).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/teams/data/members/bob", alice).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/teams/data", TokenFor("bob")).status, 403);

  auto audit = Audit({.action_prefix = "team.member."});
  ASSERT_GE(audit.size(), 5u);
  EXPECT_EQ(audit[1].action, "team.member.remove");
  EXPECT_EQ(audit[1].actor, "alice");
  EXPECT_EQ(audit[1].team, "data");
  EXPECT_EQ(audit[1].target_kind, "user");
  EXPECT_EQ(audit[1].target_name, "bob");
}

TEST_F(TeamUserRoutesTest, UsersAreCreatedAndChangedByAdministrators) {
  Reply created =
      Call("POST", "/api/v1/users", root_,
           {{"name", "jane.doe"}, {"displayName", "Jane"}, {"password", "a-good-long-password"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["admin"], false);
  EXPECT_EQ(created.body.find("password"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/users", root_,
                 {{"name", "jane.doe"}, {"password", "a-good-long-password"}})
                .status,
            409);
  Reply weak = Call("POST", "/api/v1/users", root_, {{"name", "tim"}, {"password", "short"}});
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.json()["error"]["details"]["where"], "password");
  EXPECT_FALSE(store_->FindUser("tim").ok());

  std::string jane = TokenFor("jane.doe");
  EXPECT_EQ(Call("GET", "/api/v1/users/jane.doe", jane).status, 200);  // oneself
  EXPECT_EQ(Call("GET", "/api/v1/users/root", jane).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/users", jane).status, 403);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/jane.doe", jane, {{"admin", true}}).status, 403);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/root", jane, {{"displayName", "x"}}).status, 403);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/jane.doe", jane, {{"displayName", "Jane D."}}).status,
            200);
  Reply no_current =
      Call("PATCH", "/api/v1/users/jane.doe", jane, {{"password", "another-good-password"}});
  EXPECT_EQ(no_current.status, 400);
  EXPECT_EQ(no_current.json()["error"]["details"]["where"], "currentPassword");
  Reply wrong_current = Call("PATCH", "/api/v1/users/jane.doe", jane,
                             {{"password", "another-good-password"}, {"currentPassword", "nope"}});
  EXPECT_EQ(wrong_current.status, 403);

  // An administrator resets a password without the current one, and disables users.
  EXPECT_EQ(
      Call("PATCH", "/api/v1/users/jane.doe", root_, {{"password", "reset-by-the-admin"}}).status,
      200);
  Reply disabled = Call("PATCH", "/api/v1/users/jane.doe", root_, {{"disabled", true}});
  ASSERT_EQ(disabled.status, 200);
  EXPECT_EQ(disabled.json()["disabled"], true);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", jane).status, 401);  // its tokens stop working

  auto audit = Audit({.action = "user.update", .target_name = "jane.doe"});
  ASSERT_GE(audit.size(), 2u);
  EXPECT_NE(audit[0].details_json.find(R"("changed":["disabled"],)"), std::string::npos)
      << audit[0].details_json;
  EXPECT_EQ(audit[1].details_json.find("reset-by-the-admin"), std::string::npos);
}

TEST_F(TeamUserRoutesTest, TheLastAdministratorStays) {
  Reply r = Call("PATCH", "/api/v1/users/root", root_, {{"admin", false}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Call("PATCH", "/api/v1/users/root", root_, {{"disabled", true}}).status, 422);
  CreateUser("second", true);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/root", root_, {{"admin", false}}).status, 200);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/second", TokenFor("second"), {{"disabled", true}}).status,
            422);
}

TEST_F(TeamUserRoutesTest, AuditFiltersPagesAndTeamAdminsSeeTheirTeams) {
  for (const char* t : {"data", "ads"})
    ASSERT_EQ(Call("POST", "/api/v1/teams", root_, {{"name", t}}).status, 201);
  CreateUser("alice");
  CreateUser("bob");
  ASSERT_EQ(Call("PUT", "/api/v1/teams/data/members/alice", root_, {{"role", "admin"}}).status,
            200);
  ASSERT_EQ(Call("PUT", "/api/v1/teams/ads/members/bob", root_, {{"role", "viewer"}}).status, 200);
  ASSERT_EQ(Call("PUT", "/api/v1/teams/data/members/bob", root_, {{"role", "viewer"}}).status, 200);

  Reply all = Call("GET", "/api/v1/audit?limit=2", root_);
  ASSERT_EQ(all.status, 200) << all.body;
  auto entries = all.json()["entries"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["action"], "team.member.set");
  EXPECT_EQ(entries[0]["actor"], "root");
  EXPECT_EQ(entries[0]["actorKind"], "token");
  EXPECT_EQ(entries[0]["remoteAddress"], "127.0.0.1");
  EXPECT_FALSE(entries[0]["requestId"].get<std::string>().empty());
  int64_t cursor = all.json()["nextCursor"];
  auto next = Call("GET", "/api/v1/audit?limit=2&cursor=" + std::to_string(cursor), root_).json();
  EXPECT_LT(next["entries"][0]["id"].get<int64_t>(), cursor);

  EXPECT_EQ(Call("GET", "/api/v1/audit?action=team.create", root_).json()["entries"].size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/audit?action=team.*", root_).json()["entries"].size(), 5u);
  EXPECT_EQ(Call("GET", "/api/v1/audit?team=ads&targetKind=user", root_).json()["entries"].size(),
            1u);
  EXPECT_EQ(
      Call("GET", "/api/v1/audit?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z", root_)
          .json()["entries"]
          .size(),
      0u);
  EXPECT_EQ(Call("GET", "/api/v1/audit?since=yesterday", root_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/audit?limit=0", root_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/audit?result=maybe", root_).status, 400);

  // alice administers data: she sees data's entries only.
  std::string alice = TokenFor("alice");
  auto hers = Call("GET", "/api/v1/audit", alice).json()["entries"];
  ASSERT_FALSE(hers.empty());
  for (const auto& e : hers)
    EXPECT_EQ(e["team"], "data") << e.dump();
  EXPECT_EQ(Call("GET", "/api/v1/audit?team=ads", alice).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/audit", TokenFor("bob")).status, 403);
}

}  // namespace
}  // namespace sluice::api::testing
