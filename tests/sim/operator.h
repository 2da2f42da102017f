// The Flink Kubernetes Operator's behaviour for FlinkDeployment and FlinkSessionJob
// (reference/flink-operator): it renders the native objects underneath (ConfigMap,
// Deployment, Service, as Flink's own client would) so the same simulated JobManager
// runs them, and keeps status (lifecycleState, jobStatus, reconciliationStatus,
// jobManagerDeploymentStatus, savepointInfo) up to date. Upgrade modes (stateless,
// savepoint, last-state), job.state running/suspended, savepointTriggerNonce and
// restartNonce behave as the operator documents them.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "sim/api.h"
#include "sim/flink_native.h"

namespace sluice::sim {

class FlinkOperator {
 public:
  FlinkOperator(Api& api, Scheduler& scheduler, Settings& settings, FlinkNative& flink);
  ~FlinkOperator();

 private:
  struct Pending {
    std::string kind;  // "savepoint" (manual) or "suspend" (stop-with-savepoint for an upgrade)
    std::string trigger_id;
    std::string job_id;
    std::string cluster;  // the session cluster of a FlinkSessionJob, else the resource's own
    int64_t nonce = 0;
    int64_t started = 0;
  };
  void OnEvent(const Event& ev);
  void Enqueue(const std::string& kind, const std::string& ns, const std::string& name,
               std::chrono::milliseconds delay);
  void ReconcileDeployment(const std::string& ns, const std::string& name);
  void ReconcileSessionJob(const std::string& ns, const std::string& name);
  // Renders and creates the native objects of a FlinkDeployment.
  std::optional<std::string> DeployCluster(const nlohmann::json& fd,
                                           const std::string& restore_path);
  bool DeleteCluster(const std::string& ns, const std::string& name);
  bool ClusterGone(const std::string& ns, const std::string& name);
  nlohmann::json Operation(const std::string& ns, const std::string& cluster,
                           const std::string& path);
  std::string Trigger(const std::string& ns, const std::string& cluster, const std::string& path,
                      const nlohmann::json& body);

  Api& api_;
  Scheduler& scheduler_;
  Settings& settings_;
  FlinkNative& flink_;
  std::mutex mu_;
  std::set<std::string> queued_;
  std::map<std::string, Pending> pending_;  // by kind/ns/name
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sluice::sim
