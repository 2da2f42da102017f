// The semantic rules of a job spec (docs/job-spec.md, "Validation").
#include <set>

#include "common/redact.h"
#include "common/strings.h"
#include "flinkconf/catalog.h"
#include "flinkconf/values.h"
#include "spec/names.h"
#include "spec/parse.h"
#include "spec/resources.h"

namespace sluice::spec {
namespace {

using flinkconf::Severity;

class Checker {
 public:
  Checker(const std::map<std::string, Mark>& marks, std::vector<Problem>& out)
      : marks_(marks), out_(out) {}

  void Error(const std::string& path, std::string message, std::string hint = "") {
    Add(Severity::kError, path, std::move(message), std::move(hint));
  }
  void Warning(const std::string& path, std::string message, std::string hint = "") {
    Add(Severity::kWarning, path, std::move(message), std::move(hint));
  }

 private:
  void Add(Severity severity, const std::string& path, std::string message, std::string hint) {
    Mark mark;
    // The closest recorded position: the field itself, else its nearest parent.
    for (std::string p = path; !p.empty();) {
      if (auto it = marks_.find(p); it != marks_.end() && it->second.line) {
        mark = it->second;
        break;
      }
      size_t cut = p.find_last_of(".[");
      p = cut == std::string::npos ? "" : p.substr(0, cut);
    }
    out_.push_back({severity, path, mark, std::move(message), std::move(hint)});
  }

  const std::map<std::string, Mark>& marks_;
  std::vector<Problem>& out_;
};

// A location Flink or Kubernetes can fetch: scheme://... (local:// for files in the image).
bool IsUri(std::string_view s) {
  size_t sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  for (char c : s.substr(0, sep)) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) {
      return false;
    }
  }
  return sep + 3 < s.size();
}

void CheckUri(Checker& c, const std::string& path, const std::string& value,
              std::string_view what) {
  if (IsUri(value)) return;
  std::string hint = value.starts_with("/")
                         ? "write local://" + value + " for a file inside the image"
                         : "write a URI such as local:///opt/flink/usrlib/job.jar, s3://bucket/" +
                               std::string(what) + " or hdfs://namenode/" + std::string(what);
  c.Error(path, Quote(value) + " is not a URI", hint);
}

void CheckDirectory(Checker& c, const std::string& path, const std::string& value) {
  if (value.empty() || IsUri(value)) return;
  c.Error(path, Quote(value) + " is not a URI",
          "write a file system URI Flink can reach from every pod, e.g. s3://bucket/savepoints "
          "or hdfs://namenode/flink/savepoints");
}

void CheckMemory(Checker& c, const std::string& path, const std::string& value) {
  auto bytes = ParseMemoryAmount(value);
  if (!bytes.ok()) c.Error(path, bytes.error().message, bytes.error().hint);
}

void CheckDuration(Checker& c, const std::string& path, const std::string& value, bool positive) {
  if (value.empty()) return;
  auto d = flinkconf::ParseDuration(value);
  if (!d.ok()) {
    c.Error(path, d.error().message, d.error().hint);
  } else if (positive && d->count() == 0) {
    c.Error(path, "must be longer than zero", "e.g. 6 h");
  }
}

void CheckPositive(Checker& c, const std::string& path, const std::optional<int>& v,
                   std::string_view what) {
  if (v && *v < 1)
    c.Error(path, "must be at least 1, found " + std::to_string(*v), std::string(what));
}

bool HaEnabled(const Spec& s) {
  for (const std::string key : {"high-availability.type", "high-availability"}) {
    auto it = s.flink_configuration.find(key);
    if (it != s.flink_configuration.end() && !EqualsIgnoreCase(Trim(it->second), "none"))
      return true;
  }
  return false;
}

const std::set<std::string>& LogFiles() {
  static const std::set<std::string> files = {
      "log4j-console.properties", "logback-console.xml", "log4j.properties",    "logback.xml",
      "log4j-session.properties", "logback-session.xml", "log4j-cli.properties"};
  return files;
}

}  // namespace

std::vector<Problem> ValidateJobSpec(const JobSpec& job, const std::map<std::string, Mark>& marks) {
  std::vector<Problem> out;
  Checker c(marks, out);
  if (job.api_version != kApiVersion) {
    c.Error("apiVersion", Quote(job.api_version) + " is not supported",
            "write apiVersion: " + std::string(kApiVersion));
  }
  if (job.kind != kKind) {
    c.Error("kind", Quote(job.kind) + " is not supported", "write kind: " + std::string(kKind));
  }

  // The name becomes the Flink cluster id and part of every Kubernetes object name.
  const std::string& name = job.metadata.name;
  if (name.empty()) {
    c.Error("metadata.name", "is required", "name the job, e.g. name: orders-enrichment");
  } else if (std::string problem = Dns1035Problem(name); !problem.empty()) {
    std::string suggestion = SuggestDns1035(name);
    c.Error("metadata.name", Quote(name) + " cannot name Kubernetes objects: " + problem,
            "use a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, at "
            "most 63 characters" +
                (suggestion.empty() ? std::string() : ", e.g. " + Quote(suggestion)));
  }
  for (const auto& [k, v] : job.metadata.labels) {
    std::string p = Key("metadata.labels", k);
    if (!IsLabelKey(k)) c.Error(p, Quote(k) + " is not a Kubernetes label key");
    if (!IsLabelValue(v)) {
      c.Error(p, Quote(v) + " is not a Kubernetes label value",
              "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or "
              "digit");
    }
  }
  if (job.metadata.team.size() > 63) c.Error("metadata.team", "is longer than 63 characters");

  const Spec& s = job.spec;
  if (s.flink_version.empty()) {
    c.Error("spec.flinkVersion", "is required",
            "write the Flink version of the image, e.g. \"1.20\" or \"2.2\"");
  } else if (auto v = flinkconf::FlinkVersion::Parse(s.flink_version); !v.ok()) {
    c.Error("spec.flinkVersion", v.error().message, v.error().hint);
  } else if (!v->AtLeast(1, 17)) {
    c.Warning("spec.flinkVersion",
              "Flink " + v->ToString() + " is older than Sluice's oldest option catalog (1.17)",
              "configuration keys are checked against 1.17 and may not match");
  }
  const Target target = s.target.value_or(Target::kKubernetesApplication);
  const std::string target_name(TargetName(target));

  // What the job runs: SQL or a JAR, exactly one.
  int kinds = (!s.sql.empty()) + (!s.sql_file.empty()) + (s.jar.has_value());
  if (kinds == 0) {
    c.Error("spec", "says nothing to run", "give spec.sql (a script), spec.sqlFile or spec.jar");
  } else if (kinds > 1) {
    c.Error(!s.sql.empty() && !s.sql_file.empty() ? "spec.sqlFile" : "spec.jar",
            "a job runs either SQL (spec.sql or spec.sqlFile) or a JAR (spec.jar), not both",
            "remove one of them");
  }
  if (s.jar) {
    bool v2 = flinkconf::FlinkVersion::Parse(s.flink_version).value_or({}).AtLeast(2, 0);
    if (s.jar->jar_uri.empty()) {
      if (!v2 || s.jar->entry_class.empty()) {
        c.Error("spec.jar.jarURI", "is required",
                "e.g. local:///opt/flink/usrlib/job.jar (from Flink 2.0 it may be left out when "
                "spec.jar.entryClass is on the image's classpath)");
      }
    } else {
      CheckUri(c, "spec.jar.jarURI", s.jar->jar_uri, "job.jar");
    }
  }
  for (size_t i = 0; i < s.dependencies.size(); ++i) {
    CheckUri(c, Index("spec.dependencies", i), s.dependencies[i], "connector.jar");
  }

  CheckPositive(c, "spec.parallelism", s.parallelism,
                "parallelism is the number of parallel tasks");
  CheckPositive(c, "spec.taskManager.slots", s.task_manager.slots, "slots per TaskManager");
  CheckPositive(c, "spec.taskManager.replicas", s.task_manager.replicas, "number of TaskManagers");
  CheckPositive(c, "spec.jobManager.replicas", s.job_manager.replicas, "number of JobManagers");
  if (s.job_manager.replicas.value_or(1) > 1 && !HaEnabled(s)) {
    c.Error("spec.jobManager.replicas", "more than one JobManager needs high availability",
            "set spec.flinkConfiguration high-availability.type: kubernetes (and "
            "high-availability.storageDir), or use 1 replica");
  }
  for (const auto& [path, r] : {std::pair<std::string, const Resource*>{"spec.jobManager.resource",
                                                                        &s.job_manager.resource},
                                {"spec.taskManager.resource", &s.task_manager.resource}}) {
    if (r->cpu && !(*r->cpu > 0)) c.Error(path + ".cpu", "must be more than 0", "e.g. 0.5 or 2");
    if (!r->memory.empty()) CheckMemory(c, path + ".memory", r->memory);
  }

  static const std::vector<std::string> kExposures = {"ClusterIP", "NodePort", "LoadBalancer",
                                                      "Headless_ClusterIP"};
  if (!s.rest_service.exposure.empty() && std::find(kExposures.begin(), kExposures.end(),
                                                    s.rest_service.exposure) == kExposures.end()) {
    std::string close = ClosestMatch(s.rest_service.exposure, kExposures);
    c.Error("spec.restService.exposure",
            Quote(s.rest_service.exposure) + " is not one of " + Join(kExposures, ", "),
            close.empty() ? "" : "did you mean " + Quote(close) + "?");
  }
  static const std::vector<std::string> kPullPolicies = {"Always", "IfNotPresent", "Never"};
  if (!s.image_pull_policy.empty() && std::find(kPullPolicies.begin(), kPullPolicies.end(),
                                                s.image_pull_policy) == kPullPolicies.end()) {
    c.Error("spec.imagePullPolicy",
            Quote(s.image_pull_policy) + " is not one of " + Join(kPullPolicies, ", "));
  }

  // Where it runs.
  if (IsKubernetesTarget(target)) {
    if (!s.namespace_.empty() && !(IsDns1035Label(s.namespace_) || IsLabelValue(s.namespace_))) {
      c.Error("spec.namespace", Quote(s.namespace_) + " is not a Kubernetes namespace name");
    }
    bool application = target == Target::kKubernetesApplication ||
                       (target == Target::kOperator && s.session_cluster.empty());
    if (application && s.image.empty()) {
      c.Error("spec.image", "is required for target " + target_name,
              "the image the JobManager and TaskManagers run, e.g. registry/team/job:1.0 (FROM "
              "flink:<version>)");
    }
    if (!s.service_account.empty() && !IsDns1035Label(s.service_account) &&
        !IsLabelValue(s.service_account)) {
      c.Error("spec.serviceAccount", Quote(s.service_account) + " is not a Kubernetes name");
    }
  } else {
    for (const auto& [field, set] : {std::pair<std::string, bool>{"spec.image", !s.image.empty()},
                                     {"spec.namespace", !s.namespace_.empty()},
                                     {"spec.serviceAccount", !s.service_account.empty()},
                                     {"spec.podTemplate", !s.pod_template.is_null()},
                                     {"spec.restService", !s.rest_service.exposure.empty()}}) {
      if (set)
        c.Warning(field, "is ignored by target " + target_name, "it applies to Kubernetes targets");
    }
  }
  if ((target == Target::kKubernetesSession || target == Target::kYarnSession) &&
      s.session_cluster.empty()) {
    c.Error("spec.sessionCluster", "is required for target " + target_name,
            target == Target::kKubernetesSession ? "the cluster id of the session cluster"
                                                 : "the YARN application id of the session");
  }
  if (!s.session_cluster.empty() && !IsSessionTarget(target) && target != Target::kOperator) {
    c.Warning("spec.sessionCluster", "is ignored by target " + target_name);
  }
  if ((target == Target::kKubernetesSession || target == Target::kOperator) &&
      !s.session_cluster.empty()) {
    if (Status st = CheckClusterId(s.session_cluster); !st.ok()) {
      c.Error("spec.sessionCluster", st.error().message, st.error().hint);
    }
  }
  if (auto it = s.flink_configuration.find("kubernetes.cluster-id");
      it != s.flink_configuration.end()) {
    if (Status st = CheckClusterId(it->second); !st.ok()) {
      c.Error(Key("spec.flinkConfiguration", "kubernetes.cluster-id"), st.error().message,
              st.error().hint);
    }
  }

  // State.
  CheckDirectory(c, "spec.savepointDirectory", s.savepoint_directory);
  CheckDirectory(c, "spec.checkpointDirectory", s.checkpoint_directory);
  UpgradeMode upgrade = s.upgrade_mode.value_or(UpgradeMode::kStateless);
  bool savepoint_dir = !s.savepoint_directory.empty() ||
                       s.flink_configuration.count("state.savepoints.dir") ||
                       s.flink_configuration.count("execution.checkpointing.savepoint-dir");
  if (upgrade == UpgradeMode::kSavepoint && !savepoint_dir) {
    c.Error(
        "spec.savepointDirectory", "is required with upgradeMode savepoint",
        "where Sluice writes the savepoint it upgrades from, e.g. s3://bucket/savepoints/<job>");
  }
  if (upgrade == UpgradeMode::kLastState && !HaEnabled(s)) {
    c.Error("spec.upgradeMode",
            "last-state needs high availability, which keeps the latest checkpoint",
            "set spec.flinkConfiguration high-availability.type: kubernetes and "
            "high-availability.storageDir, or use upgradeMode savepoint");
  }
  RestoreMode restore = s.restore.mode.value_or(RestoreMode::kAuto);
  if (restore == RestoreMode::kPath && s.restore.path.empty()) {
    c.Error("spec.restore.path", "is required with restore.mode path",
            "the savepoint or checkpoint to start from");
  }
  if (restore == RestoreMode::kNone && !s.restore.path.empty()) {
    c.Error("spec.restore.path", "is given but restore.mode is none",
            "remove the path or use mode path");
  }
  if (!s.restore.path.empty()) CheckDirectory(c, "spec.restore.path", s.restore.path);
  if (s.restart_policy.max_restarts && *s.restart_policy.max_restarts < -1) {
    c.Error("spec.restartPolicy.maxRestarts", "must be -1 (no limit) or more");
  }
  CheckDuration(c, "spec.restartPolicy.window", s.restart_policy.window, true);
  CheckDuration(c, "spec.restartPolicy.backoff", s.restart_policy.backoff, false);
  CheckDuration(c, "spec.savepointSchedule.interval", s.savepoint_schedule.interval, true);
  CheckPositive(c, "spec.savepointSchedule.retain", s.savepoint_schedule.retain,
                "how many scheduled savepoints to keep");
  if (!s.savepoint_schedule.interval.empty() && !savepoint_dir) {
    c.Error("spec.savepointSchedule", "needs spec.savepointDirectory",
            "where scheduled savepoints go");
  }
  if (s.savepoint_schedule.interval.empty() && s.savepoint_schedule.retain) {
    c.Error("spec.savepointSchedule.interval", "is required when retain is given");
  }

  // Files and environment.
  std::vector<std::string> log_files(LogFiles().begin(), LogFiles().end());
  for (const auto& [file, content] : s.log_configuration) {
    if (!LogFiles().count(file)) {
      std::string close = ClosestMatch(file, log_files);
      c.Error(
          Key("spec.logConfiguration", file), "unknown log configuration file " + Quote(file),
          close.empty() ? "one of " + Join(log_files, ", ") : "did you mean " + Quote(close) + "?");
    }
  }
  for (const auto& [k, v] : s.env) {
    if (!IsEnvName(k)) {
      c.Error(Key("spec.env", k), Quote(k) + " is not an environment variable name",
              "letters, digits and '_', not starting with a digit");
    }
  }
  return out;
}

}  // namespace sluice::spec
