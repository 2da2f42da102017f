#include "deploy/operator.h"

#include "common/redact.h"
#include "common/strings.h"
#include "deploy/jobmanager.h"
#include "deploy/native.h"
#include "deploy/native_deployer.h"
#include "deploy/request.h"
#include "deploy/sql.h"
#include "k8s/client.h"
#include "spec/flink_config.h"

namespace sluice::deploy {
namespace {

using k8s::json;
using Json = nlohmann::ordered_json;

// Keys the operator derives from the resource's own fields; writing them into
// flinkConfiguration as well would only let the two disagree.
const std::vector<std::string>& OperatorOwnedKeys() {
  static const std::vector<std::string> keys = {"kubernetes.cluster-id",
                                                "kubernetes.namespace",
                                                "kubernetes.container.image.ref",
                                                "kubernetes.container.image",
                                                "kubernetes.container.image.pull-policy",
                                                "kubernetes.service-account",
                                                "jobmanager.memory.process.size",
                                                "taskmanager.memory.process.size",
                                                "kubernetes.jobmanager.cpu.amount",
                                                "kubernetes.jobmanager.cpu",
                                                "kubernetes.taskmanager.cpu.amount",
                                                "kubernetes.taskmanager.cpu",
                                                "kubernetes.jobmanager.replicas",
                                                "parallelism.default",
                                                "pipeline.jars",
                                                "execution.target",
                                                "execution.state-recovery.path",
                                                "execution.savepoint.path",
                                                "execution.state-recovery.ignore-unclaimed-state",
                                                "execution.savepoint.ignore-unclaimed-state"};
  return keys;
}

Json Resource(const spec::Resource& r, const std::string& default_memory) {
  Json out = Json::object();
  out["cpu"] = r.cpu.value_or(1.0);
  out["memory"] = r.memory.empty() ? default_memory : r.memory;
  return out;
}

bool SessionJob(const DeploymentRequest& r) {
  return !r.job.spec.session_cluster.empty();
}

int64_t NonceOf(const std::string& trigger_id) {
  // A positive 60-bit number from the trigger id: the same id, the same nonce.
  int64_t n = 0;
  for (size_t i = 0; i < 15 && i < trigger_id.size(); ++i) {
    char c = trigger_id[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : 0;
    n = n * 16 + d;
  }
  return n == 0 ? 1 : n;
}

}  // namespace

std::string OperatorFlinkVersion(const flinkconf::FlinkVersion& v) {
  return "v" + std::to_string(v.major) + "_" + std::to_string(v.minor);
}

Result<Rendered> RenderOperator(const DeploymentRequest& request) {
  const spec::JobSpec& job = request.job;
  const spec::Spec& s = job.spec;
  SLUICE_ASSIGN_OR_RETURN(flinkconf::FlinkVersion version, VersionOf(job));
  Rendered out;
  std::optional<SqlArtifacts> sql;
  if (!s.sql.empty()) {
    bool batch = ToLower(s.flink_configuration.count("execution.runtime-mode")
                             ? s.flink_configuration.at("execution.runtime-mode")
                             : "") == "batch";
    SLUICE_ASSIGN_OR_RETURN(SqlArtifacts a, BuildSqlArtifacts(s.sql, version, batch));
    sql = std::move(a);
  } else if (!s.sql_file.empty()) {
    SLUICE_ASSIGN_OR_RETURN(SqlArtifacts a, SqlFileArtifacts(s.sql_file, version));
    sql = std::move(a);
  }
  if (sql && SessionJob(request)) {
    return InvalidArgument(
               "a FlinkSessionJob runs a jar the operator fetches from jarURI; SQL "
               "session jobs are not supported through the operator")
        .At("spec.sessionCluster")
        .Hint(
            "use target kubernetes-session, or an application FlinkDeployment (no sessionCluster)");
  }
  flinkconf::FlatConfig sql_set;
  if (sql) {
    sql_set = flinkconf::FlatConfig(sql->set_options.begin(), sql->set_options.end());
    for (const auto& w : sql->warnings)
      out.warnings.push_back("warning: " + w);
  }
  SLUICE_ASSIGN_OR_RETURN(spec::EffectiveConfig eff,
                          spec::EffectiveFlinkConfiguration(job, sql_set));
  std::vector<std::string> errors;
  for (const auto& f : eff.findings) {
    if (f.severity == flinkconf::Severity::kError) errors.push_back(flinkconf::FormatFinding(f));
    if (f.severity == flinkconf::Severity::kWarning)
      out.warnings.push_back(flinkconf::FormatFinding(f));
  }
  if (!errors.empty()) {
    return InvalidArgument("the Flink configuration has errors:\n  " + Join(errors, "\n  "));
  }
  Json config = Json::object();
  for (const auto& [k, v] : eff.values) {
    if (std::find(OperatorOwnedKeys().begin(), OperatorOwnedKeys().end(), k) !=
        OperatorOwnedKeys().end())
      continue;
    config[k] = v;
  }
  if (!request.job_id.empty() && !SessionJob(request))
    config["$internal.pipeline.job-id"] = request.job_id;

  Json jobspec = Json::object();
  if (sql) {
    if (!sql->jar.empty()) jobspec["jarURI"] = sql->jar;
    jobspec["entryClass"] = sql->main_class;
    jobspec["args"] = sql->args;
  } else if (s.jar) {
    if (!s.jar->jar_uri.empty()) jobspec["jarURI"] = s.jar->jar_uri;
    if (!s.jar->entry_class.empty()) jobspec["entryClass"] = s.jar->entry_class;
    jobspec["args"] = s.jar->args;
  }
  jobspec["parallelism"] = s.parallelism.value_or(1);
  jobspec["state"] = s.state.value_or(spec::JobState::kRunning) == spec::JobState::kSuspended
                         ? "suspended"
                         : "running";
  jobspec["upgradeMode"] =
      std::string(spec::UpgradeModeName(s.upgrade_mode.value_or(spec::UpgradeMode::kStateless)));
  if (!request.restore_path.empty()) jobspec["initialSavepointPath"] = request.restore_path;
  if (request.allow_non_restored_state) jobspec["allowNonRestoredState"] = true;

  Json meta = {{"name", request.cluster_id}, {"namespace", request.namespace_}};
  if (!job.metadata.labels.empty()) {
    Json labels = Json::object();
    for (const auto& [k, v] : job.metadata.labels)
      labels[k] = v;
    meta["labels"] = labels;
  }
  meta["annotations"] = {{std::string(kSpecHashAnnotation), SpecHash(job)}};

  if (SessionJob(request)) {
    Json sj = {{"apiVersion", std::string(kOperatorApiVersion)},
               {"kind", "FlinkSessionJob"},
               {"metadata", meta},
               {"spec",
                {{"deploymentName", s.session_cluster},
                 {"job", jobspec},
                 {"flinkConfiguration", config}}}};
    out.objects.push_back(sj);
    return out;
  }

  const std::string sql_object = "sluice-sql-" + request.cluster_id;
  Json jm_template =
      s.job_manager.pod_template.is_null() ? Json::object() : Json(s.job_manager.pod_template);
  if (sql && !sql->file_name.empty()) {
    Json items = {{{"key", sql->file_name}, {"path", sql->file_name}}};
    Json volume = {{"name", "sluice-sql-volume"}};
    if (sql->has_secrets) {
      volume["secret"] = {{"secretName", sql_object}, {"items", items}};
    } else {
      volume["configMap"] = {{"name", sql_object}, {"items", items}};
    }
    Json& pspec = jm_template["spec"];
    if (!pspec.contains("volumes")) pspec["volumes"] = Json::array();
    pspec["volumes"].push_back(volume);
    if (!pspec.contains("containers")) pspec["containers"] = Json::array();
    bool found = false;
    for (auto& c : pspec["containers"]) {
      if (c.value("name", "") != "flink-main-container") continue;
      c["volumeMounts"].push_back({{"name", "sluice-sql-volume"},
                                   {"mountPath", std::string(kSqlMountDir)},
                                   {"readOnly", true}});
      found = true;
    }
    if (!found) {
      pspec["containers"].push_back({{"name", "flink-main-container"},
                                     {"volumeMounts",
                                      {{{"name", "sluice-sql-volume"},
                                        {"mountPath", std::string(kSqlMountDir)},
                                        {"readOnly", true}}}}});
    }
  }
  Json spec = Json::object();
  spec["image"] = s.image;
  if (!s.image_pull_policy.empty()) spec["imagePullPolicy"] = s.image_pull_policy;
  spec["flinkVersion"] = OperatorFlinkVersion(version);
  if (!s.service_account.empty()) spec["serviceAccount"] = s.service_account;
  spec["flinkConfiguration"] = config;
  if (!s.log_configuration.empty()) {
    Json logs = Json::object();
    for (const auto& [k, v] : s.log_configuration)
      logs[k] = v;
    spec["logConfiguration"] = logs;
  }
  if (!s.pod_template.is_null() && !s.pod_template.empty())
    spec["podTemplate"] = Json(s.pod_template);
  Json jm = {{"resource", Resource(s.job_manager.resource, "1600m")}};
  if (s.job_manager.replicas) jm["replicas"] = *s.job_manager.replicas;
  if (!jm_template.empty()) jm["podTemplate"] = jm_template;
  Json tm = {{"resource", Resource(s.task_manager.resource, "1728m")}};
  if (s.task_manager.replicas) tm["replicas"] = *s.task_manager.replicas;
  if (!s.task_manager.pod_template.is_null() && !s.task_manager.pod_template.empty())
    tm["podTemplate"] = Json(s.task_manager.pod_template);
  spec["jobManager"] = jm;
  spec["taskManager"] = tm;
  spec["job"] = jobspec;
  out.objects.push_back({{"apiVersion", std::string(kOperatorApiVersion)},
                         {"kind", "FlinkDeployment"},
                         {"metadata", meta},
                         {"spec", spec}});
  if (sql && !sql->file_name.empty()) {
    Json o = {{"apiVersion", "v1"},
              {"kind", sql->has_secrets ? "Secret" : "ConfigMap"},
              {"metadata",
               {{"name", sql_object},
                {"namespace", request.namespace_},
                {"labels", CommonLabels(request.cluster_id)},
                {"ownerReferences",
                 {{{"apiVersion", std::string(kOperatorApiVersion)},
                   {"kind", "FlinkDeployment"},
                   {"name", request.cluster_id},
                   {"controller", false},
                   {"blockOwnerDeletion", false}}}}}}};
    if (sql->has_secrets) {
      o["type"] = "Opaque";
      o["stringData"] = {{sql->file_name, sql->content}};
    } else {
      o["data"] = {{sql->file_name, sql->content}};
    }
    out.objects.push_back(o);
  }
  return out;
}

namespace {

// Numbers the operator writes as strings ("1700000000000") or numbers.
int64_t MillisOf(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return 0;
  try {
    return std::stoll(v.get<std::string>());
  } catch (const std::exception&) {
    return 0;
  }
}

// The operator's status carries the latest savepoint (with its path) and the latest
// checkpoint (time only); the newer of them is the latest snapshot. The operator reports
// no restart count and does not ask the JobManager for us: jobmanager_answered stays false.
void FillSnapshots(const json& job, Observation& o) {
  const json sp = job.value("savepointInfo", json::object()).value("lastSavepoint", json());
  const json cp = job.value("checkpointInfo", json::object()).value("lastCheckpoint", json());
  int64_t sp_time = sp.is_object() ? MillisOf(sp.value("timeStamp", json())) : 0;
  int64_t cp_time = cp.is_object() ? MillisOf(cp.value("timeStamp", json())) : 0;
  if (sp.is_object() && !sp.value("location", "").empty() && sp_time >= cp_time) {
    o.latest_checkpoint =
        Observation::Checkpoint{0, sp.value("location", ""), sp_time, 0, /*savepoint=*/true};
  } else if (cp_time > 0) {
    o.latest_checkpoint = Observation::Checkpoint{0, "", cp_time, 0, false};
  }
}

class OperatorDeployer : public Deployer {
 public:
  explicit OperatorDeployer(ClusterTarget cluster)
      : cluster_(std::move(cluster)), k8s_(*cluster_.kubernetes) {}

  spec::Target target() const override { return spec::Target::kOperator; }

  Result<Rendered> Render(const DeploymentRequest& request) override {
    return RenderOperator(request);
  }

  Result<Submission> Submit(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(Rendered r, RenderOperator(request));
    SLUICE_ASSIGN_OR_RETURN(k8s::ResourceType type, Type(request));
    k8s::Client& c = *k8s_.client;
    const std::string& ns = request.namespace_;
    json resource = json::parse(r.objects[0].dump());
    std::string want =
        resource["metadata"]["annotations"].value(std::string(kSpecHashAnnotation), "");
    Submission sub;
    sub.cluster_id = request.cluster_id;
    sub.warnings = r.warnings;
    sub.job_id = request.job_id;
    auto existing = c.Get(type, ns, request.cluster_id);
    if (!existing.ok() && !k8s::IsNotFound(existing.error())) return std::move(existing).error();
    if (existing.ok()) {
      std::string have = (*existing)["metadata"]
                             .value("annotations", json::object())
                             .value(std::string(kSpecHashAnnotation), "");
      if (have == want) {
        sub.existed = true;
      } else if (!request.update_in_place) {
        return AlreadyExists(type.kind + " " + ns + "/" + request.cluster_id +
                             " runs another version of this job (spec hash " + have +
                             ", this one " + want + ")")
            .Hint("let the operator upgrade it (update in place) or delete it first");
      }
    }
    auto applied =
        c.Apply(type, ns, resource,
                {.field_manager = k8s_.field_manager, .force = true, .field_validation = "Strict"});
    if (!applied.ok()) return std::move(applied).error();
    sub.objects.push_back({type.ApiVersion(), type.kind, ns, request.cluster_id,
                           (*applied)["metadata"].value("uid", "")});
    for (size_t i = 1; i < r.objects.size(); ++i) {
      json o = json::parse(r.objects[i].dump());
      for (auto& ref : o["metadata"]["ownerReferences"])
        ref["uid"] = (*applied)["metadata"].value("uid", "");
      const k8s::ResourceType& t =
          *k8s::BuiltinType(o.value("apiVersion", ""), o.value("kind", ""));
      auto done = c.Apply(t, ns, o, {.field_manager = k8s_.field_manager, .force = true});
      if (!done.ok()) return std::move(done).error();
      sub.objects.push_back({o.value("apiVersion", ""), o.value("kind", ""), ns,
                             o["metadata"].value("name", ""),
                             (*done)["metadata"].value("uid", "")});
    }
    std::string cluster =
        SessionJob(request) ? request.job.spec.session_cluster : request.cluster_id;
    sub.web_interface_url = WebInterfaceUrl(k8s_, ns, cluster + "-rest");
    return sub;
  }

  Result<Observation> Observe(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(k8s::ResourceType type, Type(request));
    Observation o;
    o.phase = "ABSENT";
    // Observe may read from the cluster's watch cache (k8s/read_cache.h); Submit never does.
    auto res =
        k8s_.client->Get(type, request.namespace_, request.cluster_id, {.allow_cached = true});
    if (!res.ok()) {
      if (k8s::IsNotFound(res.error())) return o;
      return std::move(res).error();
    }
    o.exists = true;
    o.spec_hash = (*res)["metadata"]
                      .value("annotations", json::object())
                      .value(std::string(kSpecHashAnnotation), "");
    o.matches_request = o.spec_hash == SpecHash(request.job);
    o.objects.push_back({type.ApiVersion(), type.kind, request.namespace_, request.cluster_id,
                         (*res)["metadata"].value("uid", "")});
    const json status = res->value("status", json::object());
    o.details = status;
    const json job = status.value("jobStatus", json::object());
    o.job_id = job.value("jobId", "");
    o.job_state = job.value("state", "");
    std::string lifecycle = status.value("lifecycleState", "");
    std::string jm = status.value("jobManagerDeploymentStatus", "");
    std::string cluster =
        SessionJob(request) ? request.job.spec.session_cluster : request.cluster_id;
    o.web_interface_url = WebInterfaceUrl(k8s_, request.namespace_, cluster + "-rest");
    if ((*res)["metadata"].contains("deletionTimestamp") || lifecycle == "DELETING") {
      o.phase = "DELETING";
    } else if (lifecycle == "SUSPENDED") {
      o.phase = "SUSPENDED";
    } else if (lifecycle == "FAILED" || jm == "ERROR") {
      o.phase = "FAILED";
    } else if (o.job_state == "RUNNING" || (SessionJob(request) && lifecycle == "STABLE")) {
      o.phase = "RUNNING";
    } else {
      o.phase = "DEPLOYING";
    }
    std::string error = status.value("error", "");
    if (!error.empty()) {
      json e = json::parse(error, nullptr, false);
      o.reason = RedactSecretsInText(e.is_object() ? e.value("message", error) : error);
      o.last_exception = o.reason;
      o.last_exception_time = MillisOf(job.value("updateTime", json()));
    }
    FillSnapshots(job, o);
    if (!SessionJob(request) && (o.phase == "DEPLOYING" || o.phase == "FAILED")) {
      auto dep = k8s_.client->Get(k8s::types::Deployment(), request.namespace_, request.cluster_id,
                                  {.allow_cached = true});
      if (dep.ok()) {
        PodProblems pods =
            InspectJobManagerPods(*k8s_.client, request.namespace_, request.cluster_id, *dep);
        if (pods.phase == "FAILED") {
          o.phase = "FAILED";
          o.reason = pods.reason;
        } else if (o.reason.empty()) {
          o.reason = pods.reason;
        }
      }
    }
    return o;
  }

  Result<Operation> TriggerSavepoint(const DeploymentRequest& request,
                                     const SavepointOptions& options) override {
    if (SessionJob(request)) {
      return Unimplemented(
          "savepoints of FlinkSessionJobs through the operator's trigger nonce are "
          "not supported by this operator release's session jobs; use the JobManager REST API");
    }
    SLUICE_ASSIGN_OR_RETURN(k8s::ResourceType type, Type(request));
    Operation op{"savepoint", "",
                 options.trigger_id.empty() ? flink::RestClient::NewId() : options.trigger_id};
    json patch = {{"spec", {{"job", {{"savepointTriggerNonce", NonceOf(op.trigger_id)}}}}}};
    if (!options.directory.empty()) {
      patch["spec"]["flinkConfiguration"] = {
          {"execution.checkpointing.savepoint-dir", options.directory}};
    }
    auto r = k8s_.client->Patch(type, request.namespace_, request.cluster_id,
                                k8s::PatchType::kJsonMerge, patch);
    if (!r.ok()) return std::move(r).error();
    op.job_id = (*r)["status"].value("jobStatus", json::object()).value("jobId", "");
    return op;
  }

  Result<Operation> Suspend(const DeploymentRequest& request,
                            const SavepointOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(k8s::ResourceType type, Type(request));
    Operation op{"stop", "", options.trigger_id};
    json patch = {{"spec", {{"job", {{"state", "suspended"}}}}}};
    auto r = k8s_.client->Patch(type, request.namespace_, request.cluster_id,
                                k8s::PatchType::kJsonMerge, patch);
    if (!r.ok()) return std::move(r).error();
    op.job_id = (*r)["status"].value("jobStatus", json::object()).value("jobId", "");
    return op;
  }

  Result<OperationResult> Poll(const DeploymentRequest& request, const Operation& op) override {
    SLUICE_ASSIGN_OR_RETURN(k8s::ResourceType type, Type(request));
    SLUICE_ASSIGN_OR_RETURN(json res,
                            k8s_.client->Get(type, request.namespace_, request.cluster_id));
    const json status = res.value("status", json::object());
    const json job = status.value("jobStatus", json::object());
    const json info = job.value("savepointInfo", json::object());
    const json last = info.value("lastSavepoint", json::object());
    OperationResult out;
    std::string error = status.value("error", "");
    if (op.kind == "savepoint") {
      int64_t nonce = NonceOf(op.trigger_id);
      if (last.value("triggerNonce", int64_t{-1}) == nonce) {
        out.completed = true;
        out.location = last.value("location", "");
        return out;
      }
      json reconciled = json::parse(
          status.value("reconciliationStatus", json::object()).value("lastReconciledSpec", "null"),
          nullptr, false);
      bool handled =
          reconciled.is_object() &&
          reconciled.value("job", json::object()).value("savepointTriggerNonce", int64_t{-1}) ==
              nonce;
      if (handled && info.value("triggerId", "").empty()) {
        out.completed = true;
        out.failure =
            error.empty() ? "the operator finished the savepoint without a location" : error;
      }
      return out;
    }
    if (status.value("lifecycleState", "") == "SUSPENDED") {
      out.completed = true;
      out.location = job.value("upgradeSavepointPath", last.value("location", ""));
    } else if (status.value("lifecycleState", "") == "FAILED") {
      out.completed = true;
      out.failure = error.empty() ? "the operator reports the deployment FAILED" : error;
    }
    return out;
  }

  Status Cancel(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(k8s::ResourceType type, Type(request));
    json patch = {{"spec", {{"job", {{"state", "suspended"}, {"upgradeMode", "stateless"}}}}}};
    auto r = k8s_.client->Patch(type, request.namespace_, request.cluster_id,
                                k8s::PatchType::kJsonMerge, patch);
    if (!r.ok()) return std::move(r).error();
    return Status::Ok();
  }

  Status Delete(const DeploymentRequest& request, HaMetadata ha) override {
    SLUICE_ASSIGN_OR_RETURN(k8s::ResourceType type, Type(request));
    auto r = k8s_.client->Delete(type, request.namespace_, request.cluster_id);
    if (!r.ok() && !k8s::IsNotFound(r.error())) return std::move(r).error();
    auto sql = k8s_.client->Delete(k8s::types::ConfigMap(), request.namespace_,
                                   "sluice-sql-" + request.cluster_id);
    if (!sql.ok() && !k8s::IsNotFound(sql.error())) return std::move(sql).error();
    if (ha == HaMetadata::kWipe && !SessionJob(request)) {
      auto cms = k8s_.client->ListAll(
          k8s::types::ConfigMap(), request.namespace_,
          {.label_selector = "app=" + request.cluster_id +
                             ",type=flink-native-kubernetes,component!=autoscaler"});
      if (!cms.ok()) return std::move(cms).error();
      for (const auto& cm : *cms) {
        auto d = k8s_.client->Delete(k8s::types::ConfigMap(), request.namespace_,
                                     cm["metadata"].value("name", ""));
        if (!d.ok() && !k8s::IsNotFound(d.error())) return std::move(d).error();
      }
    }
    return Status::Ok();
  }

 private:
  Result<k8s::ResourceType> Type(const DeploymentRequest& request) {
    auto t = k8s_.client->ResolveKind(kOperatorApiVersion,
                                      SessionJob(request) ? "FlinkSessionJob" : "FlinkDeployment");
    if (!t.ok()) {
      return std::move(t).error().Context(
          "the Flink Kubernetes Operator is not installed in cluster " + cluster_.name);
    }
    return t;
  }

  ClusterTarget cluster_;
  KubernetesTarget k8s_;
};

}  // namespace

std::unique_ptr<Deployer> NewOperatorDeployer(ClusterTarget cluster) {
  return std::make_unique<OperatorDeployer>(std::move(cluster));
}

}  // namespace sluice::deploy
