// The Flink Kubernetes Operator's behaviour for FlinkDeployment and FlinkSessionJob
// (reference/flink-operator): it renders the native objects underneath (ConfigMap,
// Deployment, Services, as Flink's own client would) so the same simulated JobManager
// runs them, and keeps status (lifecycleState, jobStatus, reconciliationStatus,
// jobManagerDeploymentStatus, savepoint info) up to date; upgrade modes, suspend/resume,
// savepointTriggerNonce and restartNonce as the operator documents them.
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

 private:
  void OnEvent(const Event& ev);
  void Enqueue(const std::string& kind, const std::string& ns, const std::string& name, std::chrono::milliseconds delay);
  void ReconcileDeployment(const std::string& ns, const std::string& name);
  void ReconcileSessionJob(const std::string& ns, const std::string& name);

  Api& api_;
  Scheduler& scheduler_;
  Settings& settings_;
  FlinkNative& flink_;
  std::mutex mu_;
  std::set<std::string> queued_;
  struct Pending {
    std::string trigger_id;
    std::string kind;  // savepoint, upgrade, suspend
    std::string nonce;
  };
  std::map<std::string, Pending> pending_;  // by ns/name
};

}  // namespace sluice::sim
