#include "route_fixtures.h"

#include <gtest/gtest.h>

#include <thread>

#include "api_fixture.h"
#include "common/crypto.h"
#include "common/fs.h"
#include "common/strings.h"
#include "http/message.h"
#include "spec/render.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

json FlinkVersionBody(const std::string& name) {
  return {{"name", name},
          {"kind", "flink-version"},
          {"config", {{"flinkHome", "/opt/flink"}, {"version", "1.20"}}},
          {"teams", {kWalkTeam}}};
}

// The walk's long-lived job, with two versions.
Prepared WalkJob(WalkEnv& env, const Caller&) {
  if (!env.store.FindJob("walk-job").ok()) env.MakeJob("walk-job", "CANCELED", "DRAFT", 2);
  return Prepared{.params = {{"name", "walk-job"}}};
}

// A fresh job in a state where the action makes sense.
Fixture ActionOn(std::string desired, std::string state) {
  return [desired, state](WalkEnv& env, const Caller&) {
    auto job = env.MakeJob(env.Unique("walk-act"), desired, state);
    return Prepared{.params = {{"name", job.name}}, .body = json::object()};
  };
}

// The walk job, with a log source installed (once).
Prepared WalkJobWithLogs(WalkEnv& env, const Caller& c) {
  if (!env.api.services().logs.Get()) env.api.services().logs.Set(std::make_shared<FakeJobLogs>());
  Prepared p = WalkJob(env, c);
  p.query = "?component=taskmanager&tailLines=10";
  return p;
}

Prepared WalkClusterPreflight(WalkEnv& env, const Caller&) {
  ClusterService& clusters = env.api.services().clusters;
  if (!clusters.preflight()) clusters.SetPreflight(std::make_shared<FakePreflight>());
  env.EnsureCluster("walk-cluster");
  return Prepared{.params = {{"name", "walk-cluster"}}};
}

}  // namespace

nlohmann::json FakePreflight::Check(const store::Cluster& cluster, const nlohmann::json& secrets) {
  std::lock_guard lock(mu);
  calls.emplace_back(cluster.name, secrets);
  auto it = checks.find(cluster.name);
  if (it != checks.end()) return it->second;
  return json::array({{{"name", "reachable"}, {"status", "ok"}, {"message", "it answers"}}});
}

Result<std::vector<std::string>> FakeJobLogs::Pods(const LogTarget& target, const LogQuery& query) {
  {
    std::lock_guard lock(mu);
    targets.push_back(target);
  }
  std::vector<std::string> all;
  if (query.component == "jobmanager") {
    all = {target.cluster_id + "-jobmanager-0"};
  } else {
    all = {target.cluster_id + "-taskmanager-1-1", target.cluster_id + "-taskmanager-1-2"};
  }
  std::vector<std::string> out;
  for (const auto& p : all) {
    if (query.pod.empty() || query.pod == p) out.push_back(p);
  }
  if (out.empty()) return NotFound("no " + query.component + " pod " + Quote(query.pod));
  return out;
}

Status FakeJobLogs::Stream(const LogTarget&, const std::string& pod, const LogQuery& query,
                           const std::function<bool(std::string_view)>& on_data) {
  if (!on_data(pod + " line 1\n") || !on_data(pod + " line 2\n")) return Status::Ok();
  if (!query.follow) return Status::Ok();
  // Until the reader hangs up (a write then fails), at most a minute.
  for (int i = 3; i < 6000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!on_data(pod + " line " + std::to_string(i) + "\n")) break;
  }
  ++follows_ended;
  return Status::Ok();
}

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

json JobSpecJson(const std::string& name, const std::string& team) {
  static const json base =
      json::parse(ReadFile(sluice::testing::SourceDir() / "tests/api/data/job.json").value());
  json spec = base;
  spec["metadata"]["name"] = name;
  if (team.empty()) {
    spec["metadata"].erase("team");
  } else {
    spec["metadata"]["team"] = team;
  }
  return spec;
}

store::Job WalkEnv::MakeJob(const std::string& name, const std::string& desired,
                            const std::string& state, int versions) {
  EXPECT_TRUE(store.FindTeam(kWalkTeam).ok() || store.CreateTeam({.name = kWalkTeam}).ok());
  JobService& jobs = api.services().jobs;
  std::vector<SchemaError> problems;
  auto in = JobService::Parse(JobSpecJson(name), &problems);
  EXPECT_TRUE(in.ok()) << (problems.empty() ? "" : problems[0].path + " " + problems[0].message);
  auto job = jobs.Create(*in, "walk-admin");
  EXPECT_TRUE(job.ok()) << job.error().ToString();
  for (int v = 2; v <= versions; ++v) {
    in->spec.spec.parallelism = v + 1;
    in->spec_json = spec::RenderJson(in->spec);
    bool unchanged = false;
    job = jobs.Update(*job, *in, job->revision, "walk-admin", &unchanged);
    EXPECT_TRUE(job.ok() && !unchanged);
  }
  job->desired_state = desired;
  job = store.UpdateJobIntent(*job);
  EXPECT_TRUE(job.ok());
  if (state != "DRAFT") job = store.UpdateJobStatus(job->id, job->status_version, state, "{}");
  EXPECT_TRUE(job.ok());
  return job.value_or(store::Job{});
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
      {"POST /api/v1/clusters/{name}/preflight", WalkClusterPreflight},
      {"DELETE /api/v1/clusters/{name}",
       [](WalkEnv& env, const Caller&) {
         std::string name = env.Unique("walk-gone");
         env.EnsureCluster(name);
         return Prepared{.params = {{"name", name}}};
       }},
      {"POST /api/v1/sql/check",
       [](WalkEnv&, const Caller&) {
         return Prepared{.body = {{"sql", "SELECT 1;"}}};
       }},
      {"POST /api/v1/sql/lineage",
       [](WalkEnv&, const Caller&) {
         return Prepared{.body = {{"sql", "SELECT 1;"}}};
       }},
      {"POST /api/v1/sql/format",
       [](WalkEnv&, const Caller&) {
         return Prepared{.body = {{"sql", "select 1;"}, {"flinkVersion", "1.20"}}};
       }},
      {"POST /api/v1/jobs",
       [](WalkEnv& env, const Caller&) {
         return Prepared{.body = JobSpecJson(env.Unique("walk-new-job"))};
       }},
      {"POST /api/v1/render",
       [](WalkEnv& env, const Caller&) {
         return Prepared{.body = JobSpecJson(env.Unique("walk-draft"))};
       }},
      {"GET /api/v1/flink/options",
       [](WalkEnv&, const Caller&) { return Prepared{.query = "?version=1.20"}; }},
      {"GET /api/v1/jobs/{name}", WalkJob},
      {"GET /api/v1/jobs/{name}/versions", WalkJob},
      {"GET /api/v1/jobs/{name}/diff", WalkJob},
      {"GET /api/v1/jobs/{name}/events", WalkJob},
      {"GET /api/v1/jobs/{name}/savepoints", WalkJob},
      {"GET /api/v1/jobs/{name}/lineage", WalkJob},
      {"GET /api/v1/jobs/{name}/exceptions", WalkJob},
      {"GET /api/v1/jobs/{name}/render", WalkJob},
      {"GET /api/v1/jobs/{name}/logs", WalkJobWithLogs},
      {"GET /api/v1/jobs/{name}/versions/{version}",
       [](WalkEnv& env, const Caller& c) {
         Prepared p = WalkJob(env, c);
         p.params["version"] = "2";
         return p;
       }},
      {"PUT /api/v1/jobs/{name}",
       [](WalkEnv& env, const Caller& c) {
         Prepared p = WalkJob(env, c);
         json body = JobSpecJson("walk-job");
         body["revision"] = env.store.FindJob("walk-job")->revision;
         return Prepared{.params = p.params, .body = body};
       }},
      {"DELETE /api/v1/jobs/{name}",
       [](WalkEnv& env, const Caller&) {
         return Prepared{.params = {{"name", env.MakeJob(env.Unique("walk-doomed")).name}}};
       }},
      {"POST /api/v1/jobs/{name}/actions/deploy", ActionOn("CANCELED", "DRAFT")},
      {"POST /api/v1/jobs/{name}/actions/stop", ActionOn("RUNNING", "RUNNING")},
      {"POST /api/v1/jobs/{name}/actions/cancel", ActionOn("RUNNING", "FAILED")},
      {"POST /api/v1/jobs/{name}/actions/suspend", ActionOn("RUNNING", "RUNNING")},
      {"POST /api/v1/jobs/{name}/actions/resume", ActionOn("SUSPENDED", "SUSPENDED")},
      {"POST /api/v1/jobs/{name}/actions/savepoint", ActionOn("RUNNING", "RUNNING")},
      {"POST /api/v1/jobs/{name}/actions/restart", ActionOn("RUNNING", "RUNNING")},
      {"POST /api/v1/jobs/{name}/actions/rollback",
       [](WalkEnv& env, const Caller&) {
         auto job = env.MakeJob(env.Unique("walk-rollback"), "RUNNING", "RUNNING", 2);
         return Prepared{.params = {{"name", job.name}}, .body = {{"version", 1}}};
       }},
  };
  return fixtures;
}

}  // namespace sluice::api::testing
