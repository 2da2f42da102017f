#include "sim/flink_ha.h"

#include <cstdio>
#include <iterator>

namespace sluice::sim {

using nlohmann::json;

namespace {

constexpr char kCheckpointPrefix[] = "checkpointID-";

std::string ClusterMapName(const std::string& cluster_id) {
  return cluster_id + "-cluster-config-map";
}

std::string JobMapName(const std::string& cluster_id, const std::string& job_id) {
  return cluster_id + "-" + job_id + "-config-map";
}

// Flink 2.x stores execution plans where 1.x stored job graphs.
std::string JobKey(const std::string& flink_version, const std::string& job_id) {
  bool two = flink_version.rfind("1.", 0) != 0;
  return (two ? "executionPlan-" : "jobGraph-") + job_id;
}

// Flink pads checkpoint ids to 19 digits so that the keys sort by id.
std::string CheckpointKey(int64_t id) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%019lld", static_cast<long long>(id));
  return kCheckpointPrefix + std::string(digits);
}

std::string JobIdOfKey(const std::string& key) {
  for (const char* prefix : {"jobGraph-", "executionPlan-"}) {
    std::string p = prefix;
    if (key.rfind(p, 0) == 0) return key.substr(p.size());
  }
  return "";
}

}  // namespace

std::optional<FlinkCluster::Recovery> KubernetesHa::Recover(
    const std::string& ns, const std::string& cluster_id,
    const std::string& submitted_job_id) const {
  const ResourceType& cms = api_.type("/configmaps");
  FlinkCluster::Recovery r;
  if (auto cluster_map = api_.Read(cms, ns, ClusterMapName(cluster_id))) {
    const json cluster_data = cluster_map->value("data", json::object());
    for (const auto& [key, _] : cluster_data.items()) {
      if (std::string id = JobIdOfKey(key); !id.empty()) r.job_id = id;
    }
  }
  bool graph = !r.job_id.empty();
  if (!graph) r.job_id = submitted_job_id;
  auto job_map = api_.Read(cms, ns, JobMapName(cluster_id, r.job_id));
  if (!job_map) return graph ? std::optional(r) : std::nullopt;
  std::string latest;
  const json job_data = job_map->value("data", json::object());
  for (const auto& [key, value] : job_data.items()) {
    if (key.rfind(kCheckpointPrefix, 0) == 0 && key > latest && value.is_string()) {
      latest = key;
      r.checkpoint_path = value.get<std::string>();
    }
  }
  if (!latest.empty()) r.checkpoint_id = std::stoll(latest.substr(sizeof kCheckpointPrefix - 1));
  return r;
}

std::optional<std::string> KubernetesHa::RecordJob(const Caller& jobmanager, const std::string& ns,
                                                   const std::string& cluster_id,
                                                   const std::string& flink_version,
                                                   const std::string& job_id) {
  return Write(jobmanager, ns, ClusterMapName(cluster_id), cluster_id, flink_version,
               [&](json& data) {
                 data[JobKey(flink_version, job_id)] = "storageDir pointer for " + job_id;
               });
}

std::optional<std::string> KubernetesHa::RecordCheckpoint(const Caller& jobmanager,
                                                          const std::string& ns,
                                                          const std::string& cluster_id,
                                                          const std::string& flink_version,
                                                          const FlinkCluster::Recovery& latest) {
  if (latest.job_id.empty() || latest.checkpoint_path.empty()) return std::nullopt;
  return Write(jobmanager, ns, JobMapName(cluster_id, latest.job_id), cluster_id, flink_version,
               [&](json& data) {
                 // Flink keeps the retained checkpoints; the simulator knows the latest.
                 for (auto it = data.begin(); it != data.end();) {
                   it = it.key().rfind(kCheckpointPrefix, 0) == 0 ? data.erase(it) : std::next(it);
                 }
                 data[CheckpointKey(latest.checkpoint_id)] = latest.checkpoint_path;
                 data["counter"] = std::to_string(latest.checkpoint_id + 1);
               });
}

std::optional<std::string> KubernetesHa::ForgetJob(const Caller& jobmanager, const std::string& ns,
                                                   const std::string& cluster_id,
                                                   const std::string& job_id) {
  const ResourceType& cms = api_.type("/configmaps");
  auto gone = api_.Delete(jobmanager, cms, ns, JobMapName(cluster_id, job_id));
  if (!gone.ok() && gone.status().code != 404) return gone.status().message;
  auto cluster_map = api_.Read(cms, ns, ClusterMapName(cluster_id));
  if (!cluster_map) return std::nullopt;
  json next = *cluster_map;
  json& data = next["data"];
  if (!data.is_object()) return std::nullopt;
  if (data.erase("jobGraph-" + job_id) + data.erase("executionPlan-" + job_id) == 0)
    return std::nullopt;
  auto r = api_.Update(jobmanager, cms, ns, ClusterMapName(cluster_id), next);
  if (!r.ok() && r.status().code != 404) return r.status().message;
  return std::nullopt;
}

std::optional<std::string> KubernetesHa::Write(const Caller& jobmanager, const std::string& ns,
                                               const std::string& name,
                                               const std::string& cluster_id,
                                               const std::string& flink_version,
                                               const std::function<void(json& data)>& edit) {
  const ResourceType& cms = api_.type("/configmaps");
  // A conflict means somebody else wrote in between: read again (as Flink's retries do).
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (auto current = api_.Read(cms, ns, name)) {
      json next = *current;
      if (!next["data"].is_object()) next["data"] = json::object();
      edit(next["data"]);
      auto r = api_.Update(jobmanager, cms, ns, name, next);
      if (r.ok()) return std::nullopt;
      if (r.status().code != 409) return r.status().message;
      continue;
    }
    json labels = {{"app", cluster_id}, {"type", "flink-native-kubernetes"}};
    if (flink_version.rfind("1.", 0) == 0) labels["configmap-type"] = "high-availability";
    json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
               {"data", json::object()}};
    edit(cm["data"]);
    auto r = api_.Create(jobmanager, cms, ns, cm);
    if (r.ok()) return std::nullopt;
    if (r.status().code != 409) return r.status().message;
  }
  return "ConfigMap " + name + " changed under every attempt to write it";
}

}  // namespace sluice::sim
