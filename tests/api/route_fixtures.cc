#include "route_fixtures.h"

#include <gtest/gtest.h>

#include "api_fixture.h"
#include "common/crypto.h"
#include "common/strings.h"
#include "http/message.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

json FlinkVersionBody(const std::string& name) {
  return {{"name", name},
          {"kind", "flink-version"},
          {"config", {{"flinkHome", "/opt/flink"}, {"version", "1.20"}}},
          {"teams", {kWalkTeam}}};
}

}  // namespace

store::Cluster WalkEnv::EnsureCluster(const std::string& name) {
  auto found = store.FindCluster(name);
  if (found.ok()) return *found;
  ClusterInput in{.name = name,
                  .kind = "flink-version",
                  .config = {{"flinkHome", "/opt/flink"}, {"version", "1.20"}},
                  .teams = {kWalkTeam}};
  auto created = api.services().clusters.Create(in);
  EXPECT_TRUE(created.ok()) << created.error().ToString();
  return created.value_or(store::Cluster{});
}

std::string FillPath(const std::string& pattern, const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& seg : Split(pattern, '/')) {
    if (!out.empty() || !seg.empty()) out += "/";
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      auto it = params.find(seg.substr(1, seg.size() - 2));
      out += it == params.end() ? seg : http::PercentEncode(it->second);
    } else {
      out += seg;
    }
  }
  return out;
}

const std::map<std::string, Fixture>& RouteFixtures() {
  static const std::map<std::string, Fixture> fixtures = {
      {"POST /api/v1/auth/login",
       [](WalkEnv&, const Caller&) {
         return Prepared{.body = {{"name", kWalkTarget}, {"password", kPassword}}};
       }},
      {"POST /api/v1/auth/tokens",
       [](WalkEnv& env, const Caller&) {
         return Prepared{.body = {{"name", env.Unique("walk-token")}, {"ttl", "1h"}}};
       }},
      {"DELETE /api/v1/auth/tokens/{id}",
       [](WalkEnv& env, const Caller& caller) {
         int64_t owner = caller.user_id;
         if (!owner) owner = env.store.FindUser(kWalkTarget)->id;
         auto t = env.store.CreateToken({.user_id = owner,
                                         .name = "to-revoke",
                                         .token_hash = crypto::HashToken(crypto::NewToken())});
         return Prepared{.params = {{"id", std::to_string(t->id)}}};
       }},
      {"POST /api/v1/teams",
       [](WalkEnv& env, const Caller&) {
         return Prepared{
             .body = {{"name", env.Unique("walk-team")}, {"description", "made by the walk"}}};
       }},
      {"GET /api/v1/teams/{team}",
       [](WalkEnv&, const Caller&) {
         return Prepared{.params = {{"team", kWalkTeam}}};
       }},
      {"PUT /api/v1/teams/{team}/members/{user}",
       [](WalkEnv&, const Caller&) {
         return Prepared{.params = {{"team", kWalkTeam}, {"user", kWalkTarget}},
                         .body = {{"role", "viewer"}}};
       }},
      {"DELETE /api/v1/teams/{team}/members/{user}",
       [](WalkEnv& env, const Caller&) {
         auto team = env.store.FindTeam(kWalkTeam);
         auto user = env.store.FindUser(kWalkTarget);
         EXPECT_TRUE(env.store.SetMembership({team->id, user->id, "viewer"}).ok());
         return Prepared{.params = {{"team", kWalkTeam}, {"user", kWalkTarget}}};
       }},
      {"POST /api/v1/users",
       [](WalkEnv& env, const Caller&) {
         return Prepared{.body = {{"name", env.Unique("walk-user")}, {"password", kPassword}}};
       }},
      {"GET /api/v1/users/{name}",
       [](WalkEnv&, const Caller&) {
         return Prepared{.params = {{"name", kWalkTarget}}};
       }},
      {"PATCH /api/v1/users/{name}",
       [](WalkEnv&, const Caller&) {
         return Prepared{.params = {{"name", kWalkTarget}}, .body = {{"displayName", "Walked"}}};
       }},
      {"GET /api/v1/audit", [](WalkEnv&, const Caller&) { return Prepared{.query = "?limit=5"}; }},
      {"POST /api/v1/clusters",
       [](WalkEnv& env, const Caller&) {
         return Prepared{.body = FlinkVersionBody(env.Unique("walk-new"))};
       }},
      {"GET /api/v1/clusters/{name}",
       [](WalkEnv& env, const Caller&) {
         env.EnsureCluster("walk-cluster");
         return Prepared{.params = {{"name", "walk-cluster"}}};
       }},
      {"PUT /api/v1/clusters/{name}",
       [](WalkEnv& env, const Caller&) {
         auto c = env.EnsureCluster("walk-cluster");
         json body = FlinkVersionBody("walk-cluster");
         body["revision"] = c.revision;
         return Prepared{.params = {{"name", "walk-cluster"}}, .body = body};
       }},
      {"DELETE /api/v1/clusters/{name}",
       [](WalkEnv& env, const Caller&) {
         std::string name = env.Unique("walk-gone");
         env.EnsureCluster(name);
         return Prepared{.params = {{"name", name}}};
       }},
  };
  return fixtures;
}

}  // namespace sluice::api::testing
