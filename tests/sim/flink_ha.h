// Flink's Kubernetes HA metadata (reference/flink-native-k8s.md, "HA"): ConfigMaps
// <cluster-id>-cluster-config-map (a pointer to each job's graph) and
// <cluster-id>-<job-id>-config-map (a counter and checkpointID-<n> entries), labelled
// app=<cluster-id>, type=flink-native-kubernetes, without owner references, so they
// outlive the JobManager Deployment: a new cluster with the same id recovers its job
// from the latest checkpoint. Flink removes a job's entries when the job reaches a
// globally terminal state; whoever deletes the ConfigMaps wipes the state.
// The simulator writes a checkpoint's path where Flink writes a serialized state handle.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sim/api.h"
#include "sim/flink_cluster.h"

namespace sluice::sim {

class KubernetesHa {
 public:
  explicit KubernetesHa(Api& api) : api_(api) {}

  // The job and latest checkpoint a new JobManager of `cluster_id` recovers: the job whose
  // graph HA holds, else `submitted_job_id` (the operator deletes the graph for a
  // last-state upgrade and the new graph, with the same fixed id, finds its checkpoints).
  std::optional<FlinkCluster::Recovery> Recover(const std::string& ns,
                                                const std::string& cluster_id,
                                                const std::string& submitted_job_id) const;

  // Each returns what the JobManager logs when its service account may not write.
  std::optional<std::string> RecordJob(const Caller& jobmanager, const std::string& ns,
                                       const std::string& cluster_id,
                                       const std::string& flink_version, const std::string& job_id);
  std::optional<std::string> RecordCheckpoint(const Caller& jobmanager, const std::string& ns,
                                              const std::string& cluster_id,
                                              const std::string& flink_version,
                                              const FlinkCluster::Recovery& latest);
  std::optional<std::string> ForgetJob(const Caller& jobmanager, const std::string& ns,
                                       const std::string& cluster_id, const std::string& job_id);

 private:
  // Creates the ConfigMap or changes its data with `edit`, as `jobmanager`.
  std::optional<std::string> Write(const Caller& jobmanager, const std::string& ns,
                                   const std::string& name, const std::string& cluster_id,
                                   const std::string& flink_version,
                                   const std::function<void(nlohmann::json& data)>& edit);

  Api& api_;
};

}  // namespace sluice::sim
