#include "spec/job_spec.h"

namespace sluice::spec {
namespace {

struct TargetEntry {
  Target target;
  std::string_view name;
};
constexpr TargetEntry kTargets[] = {
    {Target::kKubernetesApplication, "kubernetes-application"},
    {Target::kKubernetesSession, "kubernetes-session"},
    {Target::kOperator, "operator"},
    {Target::kYarnApplication, "yarn-application"},
    {Target::kYarnPerJob, "yarn-per-job"},
    {Target::kYarnSession, "yarn-session"},
    {Target::kRemote, "remote"},
    {Target::kLocal, "local"},
};

}  // namespace

std::string_view TargetName(Target t) {
  for (const auto& e : kTargets) {
    if (e.target == t) return e.name;
  }
  return "";
}

std::optional<Target> ParseTarget(std::string_view s) {
  for (const auto& e : kTargets) {
    if (e.name == s) return e.target;
  }
  return std::nullopt;
}

const std::vector<std::string>& TargetNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& e : kTargets)
      v.emplace_back(e.name);
    return v;
  }();
  return names;
}

bool IsKubernetesTarget(Target t) {
  return t == Target::kKubernetesApplication || t == Target::kKubernetesSession ||
         t == Target::kOperator;
}

bool IsSessionTarget(Target t) {
  return t == Target::kKubernetesSession || t == Target::kYarnSession || t == Target::kRemote;
}

std::string_view UpgradeModeName(UpgradeMode m) {
  switch (m) {
    case UpgradeMode::kStateless:
      return "stateless";
    case UpgradeMode::kSavepoint:
      return "savepoint";
    case UpgradeMode::kLastState:
      return "last-state";
  }
  return "";
}

std::string_view JobStateName(JobState s) {
  return s == JobState::kRunning ? "running" : "suspended";
}

std::string_view RestoreModeName(RestoreMode m) {
  switch (m) {
    case RestoreMode::kAuto:
      return "auto";
    case RestoreMode::kNone:
      return "none";
    case RestoreMode::kPath:
      return "path";
  }
  return "";
}

void ApplyDefaults(JobSpec& job) {
  if (job.api_version.empty()) job.api_version = std::string(kApiVersion);
  if (job.kind.empty()) job.kind = std::string(kKind);
  Spec& s = job.spec;
  if (!s.target) s.target = Target::kKubernetesApplication;
  bool kubernetes = IsKubernetesTarget(*s.target);
  if (kubernetes) {
    if (s.namespace_.empty()) s.namespace_ = "default";
    if (s.image_pull_policy.empty()) s.image_pull_policy = "IfNotPresent";
    if (s.service_account.empty()) s.service_account = "flink";
    if (s.rest_service.exposure.empty()) s.rest_service.exposure = "ClusterIP";
    if (!s.job_manager.resource.cpu) s.job_manager.resource.cpu = 1.0;
    if (!s.task_manager.resource.cpu) s.task_manager.resource.cpu = 1.0;
  }
  if (!s.parallelism) s.parallelism = 1;
  if (s.job_manager.resource.memory.empty()) s.job_manager.resource.memory = "1600m";
  if (s.task_manager.resource.memory.empty()) s.task_manager.resource.memory = "1728m";
  if (!s.job_manager.replicas) s.job_manager.replicas = 1;
  if (!s.task_manager.slots) s.task_manager.slots = 1;
  if (!s.upgrade_mode) s.upgrade_mode = UpgradeMode::kStateless;
  if (!s.restore.mode) s.restore.mode = RestoreMode::kAuto;
  if (!s.restore.allow_non_restored_state) s.restore.allow_non_restored_state = false;
  if (!s.restart_policy.max_restarts) s.restart_policy.max_restarts = 5;
  if (s.restart_policy.window.empty()) s.restart_policy.window = "1 h";
  if (s.restart_policy.backoff.empty()) s.restart_policy.backoff = "30 s";
  if (!s.state) s.state = JobState::kRunning;
}

}  // namespace sluice::spec
