// How to call each route successfully: path parameters, query and a valid body, and the
// objects that must exist first. The route walk (every route with every role) and the
// bad-input test (every route with broken input) both start from here.
//
// A route with path parameters or a request body needs an entry in RouteFixtures(), keyed
// "METHOD /pattern"; the walk fails for routes that lack one. Team-scoped objects are made
// in team "walk", where the walk's viewer, developer and team admin have their roles.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_server.h"
#include "api/cluster_service.h"
#include "api/job_logs.h"
#include "store/store.h"

namespace sluice::api::testing {

inline constexpr const char* kWalkTeam = "walk";
inline constexpr const char* kWalkTarget = "walk-target";  // a user the routes act on

struct WalkEnv {
  store::Store& store;
  ApiServer& api;
  int counter = 0;
  std::string Unique(const std::string& prefix) { return prefix + "-" + std::to_string(++counter); }
  // A flink-version cluster limited to the walk team, created if missing.
  store::Cluster EnsureCluster(const std::string& name);
  // A job of the walk team made through JobService, then given this intent and status as
  // the reconciler would leave it; `versions` spec versions.
  store::Job MakeJob(const std::string& name, const std::string& desired = "CANCELED",
                     const std::string& state = "DRAFT", int versions = 1);
};

// A log source in memory: pods "<cluster id>-jobmanager-0" (and -taskmanager-1-1, -1-2)
// with two lines each; a follow keeps adding numbered lines until the reader goes away.
class FakeJobLogs : public JobLogSource {
 public:
  Result<std::vector<std::string>> Pods(const LogTarget& target, const LogQuery& query) override;
  Status Stream(const LogTarget& target, const std::string& pod, const LogQuery& query,
                const std::function<bool(std::string_view)>& on_data) override;

  std::mutex mu;
  std::vector<LogTarget> targets;  // what Pods was asked for
  std::atomic<int> follows_ended{0};
};

// Preflight checks in memory: each cluster gets the checks set for its name (default: one
// "reachable" check that passed); what was checked, with which secrets, is recorded.
class FakePreflight : public ClusterPreflight {
 public:
  nlohmann::json Check(const store::Cluster& cluster, const nlohmann::json& secrets) override;

  std::mutex mu;
  std::map<std::string, nlohmann::json> checks;               // by cluster name
  std::vector<std::pair<std::string, nlohmann::json>> calls;  // name, secrets
};

// tests/api/data/job.json with this name (and team).
nlohmann::json JobSpecJson(const std::string& name, const std::string& team = kWalkTeam);

struct Caller {
  std::string user;  // "" for anonymous
  int64_t user_id = 0;
};

struct Prepared {
  std::map<std::string, std::string> params;  // path parameters
  std::string query;                          // "?a=b" or ""
  nlohmann::json body;                        // null: no body
};

using Fixture = std::function<Prepared(WalkEnv& env, const Caller& caller)>;

const std::map<std::string, Fixture>& RouteFixtures();

// The pattern with parameters filled in (percent-encoded).
std::string FillPath(const std::string& pattern, const std::map<std::string, std::string>& params);

}  // namespace sluice::api::testing
