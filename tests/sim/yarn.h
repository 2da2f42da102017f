// A YARN ResourceManager REST subset (/ws/v1/cluster/info, /apps, /apps/{id},
// /apps/{id}/state to kill) whose applications are simulated Flink clusters, each with
// its JobManager REST API on a loopback port and behind the RM's web proxy
// (/proxy/{id}/...), as tracking URLs lead.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "http/server.h"
#include "sim/flink_cluster.h"

namespace sluice::sim {

class YarnCluster {
 public:
  YarnCluster(Scheduler& scheduler, Settings& settings, SavepointRegistry& savepoints);
  ~YarnCluster();

  void set_address(const std::string& host_port) { address_ = host_port; }
  // Submits an application: {"name", "mode": "application"|"per-job"|"session",
  // "flinkVersion", "config": {k: v}, "jar", "entryClass", "args": [], "parallelism",
  // "savepointPath", "allowNonRestoredState", "queue", "user"}. Answers with the
  // application id, tracking URL, JobManager address and (for jobs) the job id.
  Result<nlohmann::json> Submit(const nlohmann::json& request);
  // Submits a job to a running session application.
  Result<nlohmann::json> SubmitToSession(const std::string& app_id, const nlohmann::json& request);
  nlohmann::json Describe(const std::string& app_id) const;
  std::shared_ptr<FlinkCluster> ClusterOf(const std::string& app_id) const;

  http::Response Handle(http::Request& req);

 private:
  struct App {
    std::string id, name, mode, user = "flink", queue = "default";
    std::string state = "ACCEPTED", final_status = "UNDEFINED", diagnostics;
    int64_t started = 0, finished = 0;
    std::shared_ptr<FlinkCluster> cluster;
    std::unique_ptr<http::Server> server;
    std::string job_id;
  };
  nlohmann::json AppJson(const App& app) const;
  void Finish(const std::string& id, const std::string& final_status, const std::string& state);

  Scheduler& scheduler_;
  Settings& settings_;
  SavepointRegistry& savepoints_;
  std::string address_ = "127.0.0.1:8088";
  int64_t cluster_ts_;
  mutable std::mutex mu_;
  std::map<std::string, App> apps_;
  int next_ = 0;
};

}  // namespace sluice::sim
