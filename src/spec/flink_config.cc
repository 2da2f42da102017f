#include "spec/flink_config.h"

#include <initializer_list>

#include "common/strings.h"
#include "flinkconf/validate.h"
#include "flinkconf/values.h"
#include "spec/names.h"
#include "spec/parse.h"
#include "spec/resources.h"

namespace sluice::spec {
namespace {

using flinkconf::Finding;
using flinkconf::Severity;

constexpr std::string_view kSqlSet = "SET in the SQL script";

std::string FirstKnown(const flinkconf::Catalog& catalog,
                       std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    if (catalog.Find(k)) return std::string(k);
  }
  return std::string(*(keys.end() - 1));
}

std::string CpuText(double cpu) {
  std::string s = std::to_string(cpu);
  while (s.size() > 1 && s.back() == '0')
    s.pop_back();
  if (s.back() == '.') s += '0';
  return s;
}

}  // namespace

std::string ClusterId(const JobSpec& job) {
  auto it = job.spec.flink_configuration.find("kubernetes.cluster-id");
  if (it != job.spec.flink_configuration.end() && !it->second.empty()) return it->second;
  return ClusterIdFor(job.metadata.name);
}

Result<EffectiveConfig> EffectiveFlinkConfiguration(const JobSpec& job,
                                                    const flinkconf::FlatConfig& sql_set) {
  const Spec& s = job.spec;
  SLUICE_ASSIGN_OR_RETURN(flinkconf::CatalogChoice choice, flinkconf::CatalogFor(s.flink_version));
  const flinkconf::Catalog& catalog = *choice.catalog;
  EffectiveConfig out;
  out.catalog = &catalog;
  if (!choice.exact) {
    out.findings.push_back({Severity::kInfo, "catalog-version", "", "spec.flinkVersion",
                            choice.Note(),
                            "keys added or removed between the two versions may be misreported"});
  }
  const Target target = s.target.value_or(Target::kKubernetesApplication);
  const bool kubernetes = IsKubernetesTarget(target);

  auto set = [&](const std::string& key, const std::string& value, const std::string& origin) {
    if (value.empty()) return;
    out.values[key] = value;
    out.origin[key] = origin;
  };
  auto memory = [&](const std::string& text) -> std::string {
    auto bytes = ParseMemoryAmount(text);
    if (!bytes.ok()) return text;  // validation reports it
    auto flink = flinkconf::ParseMemorySize(text);
    return flink.ok() ? std::string(Trim(text)) : flinkconf::FormatMemorySize(*bytes);
  };

  set("pipeline.name", job.metadata.name, "metadata.name");
  if (target != Target::kOperator)
    set("execution.target", std::string(TargetName(target)), "spec.target");
  if (s.parallelism) set("parallelism.default", std::to_string(*s.parallelism), "spec.parallelism");
  if (s.task_manager.slots) {
    set("taskmanager.numberOfTaskSlots", std::to_string(*s.task_manager.slots),
        "spec.taskManager.slots");
  }
  set("jobmanager.memory.process.size", memory(s.job_manager.resource.memory),
      "spec.jobManager.resource.memory");
  set("taskmanager.memory.process.size", memory(s.task_manager.resource.memory),
      "spec.taskManager.resource.memory");
  if (kubernetes) {
    set("kubernetes.cluster-id", ClusterId(job), "metadata.name");
    set("kubernetes.namespace", s.namespace_, "spec.namespace");
    set(FirstKnown(catalog, {"kubernetes.container.image.ref", "kubernetes.container.image"}),
        s.image, "spec.image");
    set("kubernetes.container.image.pull-policy", s.image_pull_policy, "spec.imagePullPolicy");
    set("kubernetes.service-account", s.service_account, "spec.serviceAccount");
    set("kubernetes.rest-service.exposed.type", s.rest_service.exposure,
        "spec.restService.exposure");
    if (s.job_manager.resource.cpu) {
      set(FirstKnown(catalog, {"kubernetes.jobmanager.cpu.amount", "kubernetes.jobmanager.cpu"}),
          CpuText(*s.job_manager.resource.cpu), "spec.jobManager.resource.cpu");
    }
    if (s.task_manager.resource.cpu) {
      set(FirstKnown(catalog, {"kubernetes.taskmanager.cpu.amount", "kubernetes.taskmanager.cpu"}),
          CpuText(*s.task_manager.resource.cpu), "spec.taskManager.resource.cpu");
    }
    if (s.job_manager.replicas) {
      set("kubernetes.jobmanager.replicas", std::to_string(*s.job_manager.replicas),
          "spec.jobManager.replicas");
    }
  }
  set(FirstKnown(catalog, {"execution.checkpointing.savepoint-dir", "state.savepoints.dir"}),
      s.savepoint_directory, "spec.savepointDirectory");
  set(FirstKnown(catalog, {"execution.checkpointing.dir", "state.checkpoints.dir"}),
      s.checkpoint_directory, "spec.checkpointDirectory");
  if (s.restore.mode.value_or(RestoreMode::kAuto) != RestoreMode::kNone &&
      !s.restore.path.empty()) {
    set(FirstKnown(catalog, {"execution.state-recovery.path", "execution.savepoint.path"}),
        s.restore.path, "spec.restore.path");
    if (s.restore.allow_non_restored_state.value_or(false)) {
      set(FirstKnown(catalog, {"execution.state-recovery.ignore-unclaimed-state",
                               "execution.savepoint.ignore-unclaimed-state"}),
          "true", "spec.restore.allowNonRestoredState");
    }
  }
  if (s.jar && !s.jar->jar_uri.empty()) set("pipeline.jars", s.jar->jar_uri, "spec.jar.jarURI");
  if (!s.dependencies.empty())
    set("pipeline.classpaths", flinkconf::JoinList(s.dependencies), "spec.dependencies");
  for (const auto& [k, v] : s.env) {
    set("containerized.master.env." + k, v, Key("spec.env", k));
    set("containerized.taskmanager.env." + k, v, Key("spec.env", k));
  }

  // Later layers win; overriding a field-derived value is worth a word.
  auto layer = [&](const std::string& key, const std::string& value, const std::string& origin) {
    auto it = out.values.find(key);
    if (it != out.values.end() && it->second != value && out.origin[key] != kSqlSet &&
        !out.origin[key].starts_with("spec.flinkConfiguration")) {
      out.findings.push_back({Severity::kWarning, "overridden", key, origin,
                              Quote(key) + " from " + out.origin[key] + " (" +
                                  flinkconf::ShowValue(key, it->second) + ") is overridden by " +
                                  flinkconf::ShowValue(key, value),
                              "set it in one place"});
    }
    out.values[key] = value;
    out.origin[key] = origin;
  };
  for (const auto& [k, v] : sql_set)
    layer(k, v, std::string(kSqlSet));
  for (const auto& [k, v] : s.flink_configuration)
    layer(k, v, Key("spec.flinkConfiguration", k));

  flinkconf::ConfigEntries entries;
  for (const auto& [k, v] : out.values)
    entries.push_back({k, v, out.origin[k]});
  auto findings = flinkconf::Validate(entries, catalog);
  out.findings.insert(out.findings.end(), findings.begin(), findings.end());
  return out;
}

}  // namespace sluice::spec
