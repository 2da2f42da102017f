// Every registered route, called by every kind of caller: the answer must be 2xx when the
// route's declared access allows the caller, 401 without valid credentials, 403 otherwise.
// Routes added later are walked automatically; they only need a fixture
// (route_fixtures.cc) when they take path parameters or a body.
#include <optional>
#include <set>

#include "api_fixture.h"
#include "route_fixtures.h"

namespace sluice::api::testing {
namespace {

using Perms = std::set<std::string>;

// The role model as documented (docs/api.md), written out independently of the code.
const Perms kViewer = {"jobs:read", "clusters:read", "teams:read", "sql:use"};
const Perms kDeveloper = {"jobs:read",  "clusters:read", "teams:read",
                          "jobs:write", "jobs:operate",  "sql:use"};
const Perms kTeamAdmin = {"jobs:read",    "clusters:read", "teams:read",     "jobs:write",
                          "jobs:operate", "sql:use",       "clusters:write", "teams:write",
                          "users:read",   "audit:read"};
const Perms kReads = {"jobs:read", "clusters:read", "teams:read", "users:read", "audit:read"};

struct Role {
  std::string name;
  std::string user;  // "" for anonymous
  enum class Credential { kNone, kToken, kRevoked, kExpired } credential;
  bool admin = false;
  Perms team_perms;             // in team "walk"
  std::optional<Perms> scopes;  // a scoped token
};

const std::vector<Role>& Roles() {
  using C = Role::Credential;
  static const std::vector<Role> roles = {
      {"anonymous", "", C::kNone},
      {"outsider (no team)", "walk-outsider", C::kToken},
      {"viewer", "walk-viewer", C::kToken, false, kViewer},
      {"developer", "walk-developer", C::kToken, false, kDeveloper},
      {"team admin", "walk-teamadmin", C::kToken, false, kTeamAdmin},
      {"global admin", "walk-admin", C::kToken, true},
      {"read-only token of an admin", "walk-admin", C::kToken, true, {}, kReads},
      {"revoked token", "walk-admin", C::kRevoked, true},
      {"expired token", "walk-admin", C::kExpired, true},
  };
  return roles;
}

enum class Outcome { kAllowed, kUnauthenticated, kForbidden };

Outcome Expected(const RouteSpec& spec, const Role& role) {
  using K = Access::Kind;
  if (spec.access.kind == K::kPublic) return Outcome::kAllowed;
  if (role.credential != Role::Credential::kToken) return Outcome::kUnauthenticated;
  if (spec.access.kind == K::kAuthenticated) return Outcome::kAllowed;
  std::string p(PermissionName(spec.access.permission));
  if (role.scopes && !role.scopes->contains(p)) return Outcome::kForbidden;
  if (role.admin) return Outcome::kAllowed;
  if (spec.access.scope == Access::Scope::kGlobal) return Outcome::kForbidden;
  return role.team_perms.contains(p) ? Outcome::kAllowed : Outcome::kForbidden;
}

const char* Name(Outcome o) {
  switch (o) {
    case Outcome::kAllowed:
      return "2xx";
    case Outcome::kUnauthenticated:
      return "401";
    case Outcome::kForbidden:
      return "403";
  }
  return "?";
}

class RouteWalkTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("walk-admin", true);
    for (const char* u :
         {"walk-viewer", "walk-developer", "walk-teamadmin", "walk-outsider", kWalkTarget}) {
      CreateUser(u);
    }
    AddMember(kWalkTeam, "walk-viewer", "viewer");
    AddMember(kWalkTeam, "walk-developer", "developer");
    AddMember(kWalkTeam, "walk-teamadmin", "admin");
  }

  std::string Credential(const Role& role) {
    using C = Role::Credential;
    if (role.credential == C::kNone) return "";
    std::string scopes = R"(["*"])";
    if (role.scopes) scopes = nlohmann::json(*role.scopes).dump();
    int64_t expires = role.credential == C::kExpired ? Now() - 1000 : 0;
    int64_t id = 0;
    std::string token = TokenFor(role.user, scopes, expires, &id);
    if (role.credential == C::kRevoked) {
      EXPECT_TRUE(store_->RevokeToken(id, Now()).ok());
    }
    return token;
  }

  Reply Send(const RouteSpec& spec, const Prepared& p, const std::string& token) {
    http::ClientRequest req{.method = spec.method,
                            .url = Url(FillPath(spec.pattern, p.params) + p.query)};
    if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
    if (!p.body.is_null()) {
      req.body = p.body.dump();
      req.headers["Content-Type"] = "application/json";
    }
    auto first_chunk = std::make_shared<std::string>();
    if (spec.event_stream) {
      // A stream does not end: its status and first chunk are the answer.
      req.on_data = [first_chunk](std::string_view chunk) {
        first_chunk->assign(chunk);
        return false;
      };
    }
    Reply r = Raw(req);
    if (spec.event_stream) r.body = *first_chunk;
    return r;
  }
};

TEST_F(RouteWalkTest, EveryRouteWithEveryRole) {
  WalkEnv env{*store_, *api_};
  int walked = 0, denied = 0;
  for (const RouteSpec* spec : api_->routes().specs()) {
    std::string key = spec->method + " " + spec->pattern;
    auto fixture = RouteFixtures().find(key);
    bool needs_fixture = spec->pattern.find('{') != std::string::npos || !spec->request.is_null();
    if (fixture == RouteFixtures().end() && needs_fixture) {
      ADD_FAILURE() << key << " takes parameters or a body but has no fixture in route_fixtures.cc";
      continue;
    }
    for (const Role& role : Roles()) {
      Caller caller{role.user, role.user.empty() ? 0 : store_->FindUser(role.user)->id};
      Prepared p = fixture == RouteFixtures().end() ? Prepared{} : fixture->second(env, caller);
      Reply r = Send(*spec, p, Credential(role));
      Outcome want = Expected(*spec, role);
      std::string what = key + " as " + role.name + ": want " + Name(want) + ", got " +
                         std::to_string(r.status) + " " + r.body.substr(0, 300);
      switch (want) {
        case Outcome::kAllowed:
          EXPECT_TRUE(r.status >= 200 && r.status < 300) << what;
          break;
        case Outcome::kUnauthenticated:
          EXPECT_EQ(r.status, 401) << what;
          EXPECT_FALSE(r.Header("WWW-Authenticate").empty()) << what;
          EXPECT_EQ(r.ErrorCode(), "unauthenticated") << what;
          break;
        case Outcome::kForbidden:
          EXPECT_EQ(r.status, 403) << what;
          EXPECT_EQ(r.ErrorCode(), "permission_denied") << what;
          break;
      }
      denied += r.status == 401 || r.status == 403;
    }
    ++walked;
  }
  EXPECT_GE(walked, 25);
  // Every denied attempt left an audit entry.
  store::AuditFilter f{.result = "denied", .limit = 1000};
  EXPECT_EQ(static_cast<int>(Audit(f).size()), denied);
}

TEST_F(RouteWalkTest, EveryRouteDeclaresItsAccessAndAuditsChanges) {
  for (const RouteSpec* spec : api_->routes().specs()) {
    EXPECT_FALSE(spec->summary.empty()) << spec->pattern;
    bool change = spec->method != "GET";
    if (change && spec->access.kind != Access::Kind::kPublic) {
      EXPECT_FALSE(spec->action.empty())
          << spec->method << " " << spec->pattern << " has no audit action";
    }
    if (spec->pattern.starts_with("/api/") && spec->access.kind == Access::Kind::kPublic) {
      // Only these may be called without credentials.
      std::set<std::string> open = {"/api/v1/version", "/api/v1/openapi.json",
                                    "/api/v1/auth/login"};
      EXPECT_TRUE(open.contains(spec->pattern)) << spec->pattern << " is public";
    }
  }
}

}  // namespace
}  // namespace sluice::api::testing
