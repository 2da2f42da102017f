// The job specification (docs/job-spec.md): what a user asks Sluice to run. Shaped like
// the Flink Kubernetes Operator's FlinkDeployment.spec, plus what a platform needs
// around it (target, cluster, restore, restart policy, savepoint schedule).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sluice::spec {

inline constexpr std::string_view kApiVersion = "sluice.dev/v1";
inline constexpr std::string_view kKind = "FlinkJob";

enum class Target {
  kKubernetesApplication,
  kKubernetesSession,
  kOperator,
  kYarnApplication,
  kYarnPerJob,
  kYarnSession,
  kRemote,
  kLocal,
};
enum class UpgradeMode { kStateless, kSavepoint, kLastState };
enum class JobState { kRunning, kSuspended };
enum class RestoreMode { kAuto, kNone, kPath };

std::string_view TargetName(Target t);  // kubernetes-application, ...
std::optional<Target> ParseTarget(std::string_view s);
const std::vector<std::string>& TargetNames();
bool IsKubernetesTarget(Target t);  // kubernetes-application, kubernetes-session, operator
bool IsSessionTarget(Target t);     // kubernetes-session, yarn-session, remote
std::string_view UpgradeModeName(UpgradeMode m);
std::string_view JobStateName(JobState s);
std::string_view RestoreModeName(RestoreMode m);

struct Metadata {
  std::string name;  // becomes the Flink cluster id (ClusterIdFor) and pipeline.name
  std::string team;
  std::map<std::string, std::string> labels;
  bool operator==(const Metadata&) const = default;
};

struct Resource {
  std::optional<double> cpu;
  std::string memory;  // Flink memory size (1600m, 2g) or Kubernetes quantity (2Gi)
  bool operator==(const Resource&) const = default;
};

struct JobManagerSpec {
  Resource resource;
  std::optional<int> replicas;
  nlohmann::json pod_template;  // null when absent
  bool operator==(const JobManagerSpec&) const = default;
};

struct TaskManagerSpec {
  Resource resource;
  std::optional<int> replicas;
  std::optional<int> slots;
  nlohmann::json pod_template;
  bool operator==(const TaskManagerSpec&) const = default;
};

struct JarSpec {
  std::string jar_uri;
  std::string entry_class;
  std::vector<std::string> args;
  bool operator==(const JarSpec&) const = default;
};

struct RestService {
  std::string exposure;  // ClusterIP, NodePort, LoadBalancer, Headless_ClusterIP
  bool operator==(const RestService&) const = default;
};

struct Restore {
  std::optional<RestoreMode> mode;
  std::string path;
  std::optional<bool> allow_non_restored_state;
  bool operator==(const Restore&) const = default;
};

struct RestartPolicy {
  std::optional<int> max_restarts;  // within `window`; -1: no limit
  std::string window;               // Flink duration: 1 h
  std::string backoff;              // Flink duration: 30 s
  bool operator==(const RestartPolicy&) const = default;
};

struct SavepointSchedule {
  std::string interval;  // Flink duration; empty: no schedule
  std::optional<int> retain;
  bool operator==(const SavepointSchedule&) const = default;
};

struct Spec {
  std::string flink_version;  // "1.20", "2.2"
  std::optional<Target> target;
  std::string cluster;          // a registered cluster (Kubernetes context, YARN, ...)
  std::string session_cluster;  // kubernetes-session, yarn-session, operator session jobs
  std::string namespace_;
  std::string image;
  std::string image_pull_policy;
  std::string service_account;
  std::string sql;
  std::string sql_file;
  std::optional<JarSpec> jar;
  std::vector<std::string> dependencies;
  std::optional<int> parallelism;
  std::map<std::string, std::string> flink_configuration;  // Flink's string forms
  JobManagerSpec job_manager;
  TaskManagerSpec task_manager;
  nlohmann::json pod_template;
  RestService rest_service;
  std::optional<UpgradeMode> upgrade_mode;
  std::string savepoint_directory;
  std::string checkpoint_directory;
  Restore restore;
  RestartPolicy restart_policy;
  SavepointSchedule savepoint_schedule;
  std::optional<JobState> state;
  std::map<std::string, std::string> log_configuration;  // file name -> content
  std::map<std::string, std::string> env;
  bool operator==(const Spec&) const = default;
};

struct JobSpec {
  std::string api_version;
  std::string kind;
  Metadata metadata;
  Spec spec;
  bool operator==(const JobSpec&) const = default;
};

// Fills what the user left out with the documented defaults (docs/job-spec.md).
void ApplyDefaults(JobSpec& job);

}  // namespace sluice::spec
