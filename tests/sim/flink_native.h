// What Flink does on Kubernetes when its native objects appear (reference/flink-native-k8s.md):
// a Deployment labelled type=flink-native-kubernetes, component=jobmanager gets its
// JobManager pod from the controllers; once that pod runs, the JobManager reads
// flink-config-<cluster-id>, asks the API server (as its service account, so RBAC
// applies) for TaskManager pods <cluster-id>-taskmanager-<attempt>-<n>, runs its job and
// answers REST through the service proxy and, on request, on a loopback port.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/server.h"
#include "sim/apiserver.h"
#include "sim/controllers.h"
#include "sim/flink_cluster.h"
#include "sim/flink_ha.h"

namespace sluice::sim {

class FlinkNative {
 public:
  FlinkNative(Api& api, Scheduler& scheduler, Settings& settings, Controllers& controllers,
              SavepointRegistry& savepoints);
  ~FlinkNative();

  std::shared_ptr<FlinkCluster> Find(const std::string& ns, const std::string& cluster_id) const;
  nlohmann::json Describe(const std::string& ns, const std::string& cluster_id) const;
  nlohmann::json List() const;
  size_t size() const;
  // Clusters whose latest job is RUNNING (the scale benchmark waits for them).
  size_t running_jobs() const;

  http::Response Proxy(const ProxyTarget& target, http::Request& req);
  std::optional<std::string> PodLog(const std::string& ns, const std::string& pod,
                                    const std::string& container);
  PodFate Fate(const nlohmann::json& pod);

  // A loopback listener that serves this cluster's REST API (started on first call).
  Result<uint16_t> Listen(const std::string& ns, const std::string& cluster_id);

  // Faults with the effects a real cluster shows.
  bool RestartJobManager(const std::string& ns, const std::string& cluster_id);
  std::optional<std::string> LoseTaskManager(const std::string& ns, const std::string& cluster_id);

  static bool IsFlinkPod(const nlohmann::json& pod, const std::string& component);

 private:
  struct Entry {
    std::string deployment_uid;
    std::shared_ptr<FlinkCluster> cluster;
    std::string jm_pod;
    std::string service_account = "default";
    int next_tm = 1;
    std::unique_ptr<http::Server> server;
  };
  using Key = std::pair<std::string, std::string>;

  void OnEvent(const Event& ev);
  void OnJobManagerPod(const std::string& ns, const std::string& pod);
  void OnPodGone(const std::string& ns, const std::string& pod, const Labels& labels);
  void OnTaskManagerPod(const std::string& ns, const std::string& pod);
  std::optional<std::string> CreateTaskManagers(const std::string& ns, const std::string& cid,
                                                int count);
  void ShutdownCluster(const std::string& ns, const std::string& cid);
  // Stops a JobManager; with HA its latest checkpoint stays in the HA ConfigMaps.
  void StopJobManager(const std::string& ns, const std::string& cid, const std::string& sa,
                      FlinkCluster& cluster);
  void ForgetHaJob(const std::string& ns, const std::string& cid, const std::string& job_id);

  Api& api_;
  Scheduler& scheduler_;
  Settings& settings_;
  Controllers& controllers_;
  SavepointRegistry& savepoints_;
  KubernetesHa ha_;
  mutable std::mutex mu_;
  std::map<Key, Entry> clusters_;
};

}  // namespace sluice::sim
