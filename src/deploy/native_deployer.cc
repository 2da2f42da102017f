#include "deploy/native_deployer.h"

#include <fstream>
#include <sstream>

#include "common/fs.h"
#include "common/strings.h"
#include "deploy/jobmanager.h"
#include "deploy/jobmanager_rest.h"
#include "deploy/request.h"
#include "deploy/session_jar.h"
#include "k8s/client.h"
#include "k8s/resource.h"

namespace sluice::deploy {
namespace {

using k8s::json;
using Json = nlohmann::ordered_json;

json Plain(const Json& o) {
  return json::parse(o.dump());
}

ObjectRef RefOf(const json& o) {
  const json meta = o.value("metadata", json::object());
  return {o.value("apiVersion", ""), o.value("kind", ""), meta.value("namespace", ""),
          meta.value("name", ""), meta.value("uid", "")};
}

const k8s::ResourceType& TypeOf(const Json& o) {
  return *k8s::BuiltinType(o.value("apiVersion", ""), o.value("kind", ""));
}

bool IsFlinkJobManager(const json& deployment, const std::string& cid) {
  const json labels = deployment["metadata"].value("labels", json::object());
  return labels.value("type", "") == "flink-native-kubernetes" && labels.value("app", "") == cid &&
         labels.value("component", "") == "jobmanager";
}

std::string HashOf(const json& deployment) {
  return deployment["metadata"]
      .value("annotations", json::object())
      .value(std::string(kSpecHashAnnotation), "");
}

flink::SavepointFormat Format(SavepointFormat f) {
  return f == SavepointFormat::kNative ? flink::SavepointFormat::kNative
                                       : flink::SavepointFormat::kCanonical;
}

class NativeDeployer : public Deployer {
 public:
  NativeDeployer(spec::Target target, ClusterTarget cluster)
      : target_(target), cluster_(std::move(cluster)), k8s_(*cluster_.kubernetes) {}

  spec::Target target() const override { return target_; }

  Result<Rendered> Render(const DeploymentRequest& request) override {
    return RenderNativeTarget(target_, request);
  }

  Result<Submission> Submit(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    Submission sub;
    sub.cluster_id = layout.cluster_id;
    sub.warnings = layout.warnings;
    SLUICE_ASSIGN_OR_RETURN(bool existed, EnsureCluster(layout, sub));
    sub.web_interface_url = WebInterfaceUrl(k8s_, layout.namespace_, layout.rest_service);
    if (!session()) {
      sub.existed = existed;
      sub.job_id = layout.job_id;
      return sub;
    }
    SLUICE_RETURN_IF_ERROR(SubmitSessionJob(request, layout, sub));
    return sub;
  }

  Result<Observation> Observe(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    Observation o;
    o.phase = "ABSENT";
    // Observe may read from the cluster's watch cache (k8s/read_cache.h); Submit never does.
    auto dep = k8s_.client->Get(k8s::types::Deployment(), layout.namespace_, layout.cluster_id,
                                {.allow_cached = true});
    if (!dep.ok()) {
      if (k8s::IsNotFound(dep.error())) return o;
      return std::move(dep).error();
    }
    o.exists = true;
    o.spec_hash = HashOf(*dep);
    o.matches_request = session() || o.spec_hash == layout.spec_hash;
    o.objects.push_back(RefOf(*dep));
    o.web_interface_url = WebInterfaceUrl(k8s_, layout.namespace_, layout.rest_service);
    if ((*dep)["metadata"].contains("deletionTimestamp")) {
      o.phase = "DELETING";
      return o;
    }
    PodProblems pods =
        InspectJobManagerPods(*k8s_.client, layout.namespace_, layout.cluster_id, *dep);
    o.details["pods"] = pods.pods;
    if (!pods.phase.empty()) {
      o.phase = pods.phase;
      o.reason = pods.reason;
      return o;
    }
    auto jm = JobManager(request, layout);
    if (!jm.ok()) return std::move(jm).error();
    auto jobs = jm->JobsOverview();
    if (!jobs.ok()) {
      // The pods are ready, so the JobManager runs or restarts: not answering is not lost.
      o.phase = "DEPLOYING";
      o.reason = NotAnswering(jobs.error());
      return o;
    }
    o.jobmanager_answered = true;
    o.phase = "RUNNING";
    std::string want = session() ? SessionJobId(request) : layout.job_id;
    for (const auto& j : *jobs) {
      if (want.empty() ? (o.job_id.empty() || !IsTerminalJobState(j.state)) : j.id == want) {
        o.job_id = j.id;
        o.job_state = j.state;
      }
    }
    if (o.job_id.empty() && !want.empty() && !session()) {
      if (auto match = FailoverMatch(*jobs, want)) {
        o.job_id = match->id;
        o.job_state = match->state;
        o.details["job_id_note"] = "job " + want + " is not on the JobManager; " + match->id +
                                   " is its only job that runs (found again after a failover)";
      }
    }
    if (!o.job_id.empty()) FillJobDetails(*jm, o.job_id, o.job_state, o);
    return o;
  }

  Result<Operation> TriggerSavepoint(const DeploymentRequest& request,
                                     const SavepointOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    SLUICE_ASSIGN_OR_RETURN(flink::RestClient jm, JobManager(request, layout));
    SLUICE_ASSIGN_OR_RETURN(std::string job, FindJob(request, layout, jm));
    Operation op{"savepoint", job,
                 options.trigger_id.empty() ? flink::RestClient::NewId() : options.trigger_id};
    SLUICE_ASSIGN_OR_RETURN(op.trigger_id,
                            jm.TriggerSavepoint(job, {.target_directory = options.directory,
                                                      .format = Format(options.format),
                                                      .trigger_id = op.trigger_id}));
    return op;
  }

  Result<Operation> Suspend(const DeploymentRequest& request,
                            const SavepointOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    SLUICE_ASSIGN_OR_RETURN(flink::RestClient jm, JobManager(request, layout));
    SLUICE_ASSIGN_OR_RETURN(std::string job, FindJob(request, layout, jm));
    Operation op{"stop", job,
                 options.trigger_id.empty() ? flink::RestClient::NewId() : options.trigger_id};
    SLUICE_ASSIGN_OR_RETURN(op.trigger_id,
                            jm.StopWithSavepoint(job, {.target_directory = options.directory,
                                                       .drain = options.drain,
                                                       .format = Format(options.format),
                                                       .trigger_id = op.trigger_id}));
    return op;
  }

  Result<OperationResult> Poll(const DeploymentRequest& request, const Operation& op) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    SLUICE_ASSIGN_OR_RETURN(flink::RestClient jm, JobManager(request, layout));
    if (op.kind == "disposal") return RestPoll(jm, op);
    auto status = jm.SavepointStatus(op.job_id, op.trigger_id);
    if (!status.ok()) {
      // An application cluster removes itself once a stopped job finishes: the stop is done
      // then, and its savepoint is in the job's last checkpoint statistics no more.
      if (op.kind == "stop" && !session()) {
        auto dep = k8s_.client->Get(k8s::types::Deployment(), layout.namespace_, layout.cluster_id);
        if (!dep.ok() && k8s::IsNotFound(dep.error())) {
          return Error(status.error())
              .Context(
                  "the cluster finished and removed itself before the stop's result was "
                  "read; its savepoint is the newest under the savepoint directory");
        }
      }
      return std::move(status).error();
    }
    return ResultWithSize(jm, op, *status);
  }

  Result<Operation> DisposeSavepoint(const DeploymentRequest& request,
                                     const std::string& path) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    SLUICE_ASSIGN_OR_RETURN(flink::RestClient jm, JobManager(request, layout));
    return RestDispose(jm, path);
  }

  Status Cancel(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    SLUICE_ASSIGN_OR_RETURN(flink::RestClient jm, JobManager(request, layout));
    SLUICE_ASSIGN_OR_RETURN(std::string job, FindJob(request, layout, jm));
    return jm.Cancel(job);
  }

  Status Delete(const DeploymentRequest& request, HaMetadata ha) override {
    SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, Layout(request));
    if (session()) {
      // A session job is the job only; the shared session cluster stays.
      auto jm = JobManager(request, layout);
      if (!jm.ok()) return std::move(jm).error();
      std::string id = SessionJobId(request);
      auto job = jm->Job(id);
      if (!job.ok())
        return k8s::IsNotFound(job.error()) ? Status::Ok() : Status(std::move(job).error());
      if (IsTerminalJobState(job->summary.state)) return Status::Ok();
      return jm->Cancel(id);
    }
    auto dep = k8s_.client->Get(k8s::types::Deployment(), layout.namespace_, layout.cluster_id);
    if (dep.ok()) {
      if (!IsFlinkJobManager(*dep, layout.cluster_id)) {
        return AlreadyExists("Deployment " + layout.namespace_ + "/" + layout.cluster_id +
                             " is not a Flink JobManager; Sluice leaves it alone");
      }
      auto del = k8s_.client->Delete(k8s::types::Deployment(), layout.namespace_, layout.cluster_id,
                                     {.propagation_policy = "Background"});
      if (!del.ok() && !k8s::IsNotFound(del.error())) return std::move(del).error();
    } else if (!k8s::IsNotFound(dep.error())) {
      return std::move(dep).error();
    }
    // Owned objects go with the Deployment (garbage collector); objects of an earlier
    // Deployment that never got their owner reference are removed by name here.
    for (const auto& d : layout.dependents) {
      auto r = k8s_.client->Delete(TypeOf(d), layout.namespace_, d["metadata"].value("name", ""));
      if (!r.ok() && !k8s::IsNotFound(r.error())) return std::move(r).error();
    }
    if (ha == HaMetadata::kWipe) {
      auto cms = k8s_.client->ListAll(
          k8s::types::ConfigMap(), layout.namespace_,
          {.label_selector =
               "app=" + layout.cluster_id + ",type=flink-native-kubernetes,component!=autoscaler"});
      if (!cms.ok()) return std::move(cms).error();
      for (const auto& cm : *cms) {
        auto r = k8s_.client->Delete(k8s::types::ConfigMap(), layout.namespace_,
                                     cm["metadata"].value("name", ""));
        if (!r.ok() && !k8s::IsNotFound(r.error())) return std::move(r).error();
      }
    }
    return Status::Ok();
  }

 private:
  bool session() const { return target_ == spec::Target::kKubernetesSession; }

  Result<NativeLayout> Layout(const DeploymentRequest& request) {
    return NativeLayoutFor(target_, request);
  }

  std::string SessionJobId(const DeploymentRequest& request) const {
    if (!request.job_id.empty()) return request.job_id;
    return DerivedId(
        {request.cluster_id, request.spec_version, SpecHash(request.job), request.restore_path});
  }

  Result<flink::RestClient> JobManager(const DeploymentRequest& request,
                                       const NativeLayout& layout) {
    return JobManagerFor(k8s_, layout.namespace_, layout.rest_service,
                         request.job.spec.flink_version);
  }

  Result<std::string> FindJob(const DeploymentRequest& request, const NativeLayout& layout,
                              flink::RestClient& jm) {
    std::string want = session() ? SessionJobId(request) : layout.job_id;
    if (!want.empty()) return want;
    SLUICE_ASSIGN_OR_RETURN(auto jobs, jm.JobsOverview());
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      if (!IsTerminalJobState(it->state)) return it->id;
    }
    return NotFound("cluster " + layout.cluster_id + " runs no job");
  }

  // The JobManager Deployment first, then everything that it owns. Returns whether the
  // cluster was already there (as requested).
  Result<bool> EnsureCluster(NativeLayout& layout, Submission& sub) {
    k8s::Client& c = *k8s_.client;
    const std::string& ns = layout.namespace_;
    const std::string& cid = layout.cluster_id;
    std::string what = "Deployment " + ns + "/" + cid;
    bool existed = false;
    auto dep = c.Get(k8s::types::Deployment(), ns, cid);
    if (!dep.ok() && !k8s::IsNotFound(dep.error())) return std::move(dep).error();
    if (!dep.ok()) {
      dep = c.Create(k8s::types::Deployment(), ns, Plain(layout.deployment),
                     {.field_manager = k8s_.field_manager});
      if (!dep.ok() && k8s::IsAlreadyExists(dep.error())) {
        dep = c.Get(k8s::types::Deployment(), ns, cid);  // someone (or our retry) won the race
        existed = dep.ok();
      }
      if (!dep.ok()) return std::move(dep).error();
    } else {
      existed = true;
    }
    if (existed) {
      if (!IsFlinkJobManager(*dep, cid)) {
        return AlreadyExists(what +
                             " exists and is not a Flink JobManager (labels type, app, "
                             "component)")
            .Hint("choose another cluster id (metadata.name or kubernetes.cluster-id)");
      }
      if ((*dep)["metadata"].contains("deletionTimestamp")) {
        return FailedPrecondition(what + " is being deleted").Hint("submit again once it is gone");
      }
      if (!session() && HashOf(*dep) != layout.spec_hash) {
        return AlreadyExists(what + " runs another version of this job (spec hash " + HashOf(*dep) +
                             ", this one " + layout.spec_hash + ")")
            .Hint("stop or delete the running cluster first (an upgrade)");
      }
    }
    SetOwnerUid(layout, (*dep)["metadata"].value("uid", ""));
    sub.objects.push_back(RefOf(*dep));
    for (const auto& d : layout.dependents) {
      auto r =
          c.Apply(TypeOf(d), ns, Plain(d), {.field_manager = k8s_.field_manager, .force = true});
      if (!r.ok()) return std::move(r).error();
      sub.objects.push_back(RefOf(*r));
    }
    return existed;
  }

  Status SubmitSessionJob(const DeploymentRequest& request, const NativeLayout& layout,
                          Submission& sub) {
    SLUICE_ASSIGN_OR_RETURN(flink::RestClient jm, JobManager(request, layout));
    std::string job_id = SessionJobId(request);
    sub.job_id = job_id;
    auto existing = jm.Job(job_id);
    if (existing.ok()) {
      sub.existed = true;
      return Status::Ok();
    }
    if (!k8s::IsNotFound(existing.error())) {
      return Error(existing.error())
          .Context("session cluster " + layout.cluster_id + " is not answering yet")
          .Hint("submit again once its JobManager runs");
    }
    SLUICE_ASSIGN_OR_RETURN(SessionJar jar, PrepareSessionJar(request, k8s_));
    std::vector<std::string> uploaded;
    auto cleanup = [&] {
      for (const auto& id : uploaded)
        (void)jm.DeleteJar(id);
    };
    SLUICE_ASSIGN_OR_RETURN(auto uploaded_jar, jm.UploadJar(jar.jar_name, jar.jar_bytes));
    uploaded.push_back(uploaded_jar.id);
    std::string jar_id = uploaded_jar.id;
    std::vector<std::string> args = jar.args;
    if (!jar.script_name.empty()) {
      auto script = jm.UploadJar(jar.script_name, jar.script_bytes);
      if (!script.ok()) {
        cleanup();
        return std::move(script).error();
      }
      uploaded.push_back(script->id);
      // The uploaded file's path on the JobManager, where the runner or driver reads it.
      for (auto& a : args)
        a = ReplaceAll(a, "@SCRIPT@", script->path);
    }
    flink::JarRunRequest run;
    run.jar_id = jar_id;
    run.entry_class = jar.entry_class;
    run.args = args;
    run.parallelism = request.job.spec.parallelism;
    run.job_id = job_id;
    run.savepoint_path = request.restore_path;
    run.allow_non_restored_state = request.allow_non_restored_state;
    run.claim_mode = request.claim_mode;
    run.flink_configuration = jar.configuration;
    auto ran = jm.RunJar(run);
    cleanup();
    if (!ran.ok() && !k8s::IsAlreadyExists(ran.error())) return std::move(ran).error();
    sub.existed = !ran.ok();
    return Status::Ok();
  }

  spec::Target target_;
  ClusterTarget cluster_;
  KubernetesTarget k8s_;
};

}  // namespace

Result<NativeLayout> NativeLayoutFor(spec::Target target, const DeploymentRequest& request) {
  if (target != spec::Target::kKubernetesSession)
    return RenderNative(request, ClusterMode::kApplication);
  if (request.job.spec.session_cluster.empty()) {
    return InvalidArgument("kubernetes-session needs spec.sessionCluster: the session cluster's id")
        .At("spec.sessionCluster");
  }
  DeploymentRequest cluster = request;
  cluster.cluster_id = request.job.spec.session_cluster;
  cluster.job_id.clear();
  cluster.restore_path.clear();
  return RenderNative(cluster, ClusterMode::kSession);
}

Result<Rendered> RenderNativeTarget(spec::Target target, const DeploymentRequest& request) {
  SLUICE_ASSIGN_OR_RETURN(NativeLayout layout, NativeLayoutFor(target, request));
  Rendered r;
  r.objects.push_back(layout.deployment);
  for (const auto& d : layout.dependents)
    r.objects.push_back(d);
  r.warnings = layout.warnings;
  if (target == spec::Target::kKubernetesSession) {
    r.warnings.push_back("info: the job is submitted to session cluster " + layout.cluster_id +
                         " through its REST API (jar upload and run) once the cluster runs; the "
                         "objects above are created only if the session cluster is missing");
  }
  return r;
}

PodProblems InspectJobManagerPods(k8s::Client& client, const std::string& ns,
                                  const std::string& cid, const nlohmann::json& deployment) {
  PodProblems out;
  for (const auto& cond :
       deployment.value("status", json::object()).value("conditions", json::array())) {
    if (cond.value("type", "") == "ReplicaFailure" && cond.value("status", "") == "True") {
      out.phase = "FAILED";
      out.reason = cond.value("reason", "ReplicaFailure") + ": " + cond.value("message", "");
      return out;
    }
  }
  auto pods = client.ListAll(
      k8s::types::Pod(), ns,
      {.label_selector = "type=flink-native-kubernetes,app=" + cid + ",component=jobmanager",
       .allow_cached = true});
  if (!pods.ok() || pods->empty()) {
    out.phase = "DEPLOYING";
    out.reason = pods.ok() ? "no JobManager pod yet" : pods.error().message;
    return out;
  }
  bool ready = false;
  for (const auto& pod : *pods) {
    const json status = pod.value("status", json::object());
    json summary = {{"name", pod["metadata"].value("name", "")},
                    {"phase", status.value("phase", "")}};
    for (const auto& c : status.value("conditions", json::array())) {
      if (c.value("type", "") == "Ready" && c.value("status", "") == "True") ready = true;
    }
    for (const auto& cs : status.value("containerStatuses", json::array())) {
      const json state = cs.value("state", json::object());
      if (state.contains("waiting")) {
        std::string reason = state["waiting"].value("reason", "");
        std::string message = state["waiting"].value("message", "");
        summary["waiting"] = reason;
        if (reason == "ImagePullBackOff" || reason == "ErrImagePull" ||
            reason == "InvalidImageName" || reason == "CrashLoopBackOff" ||
            reason == "CreateContainerConfigError" || reason == "CreateContainerError") {
          out.phase = "FAILED";
          out.reason = reason + ": " +
                       (message.empty() ? "container " + cs.value("name", "") : message) +
                       " (pod " + pod["metadata"].value("name", "") + ")";
        } else if (out.reason.empty()) {
          out.reason = reason + (message.empty() ? "" : ": " + message);
        }
      }
    }
    out.pods.push_back(summary);
  }
  if (!ready && out.phase.empty()) {
    out.phase = "DEPLOYING";
    if (out.reason.empty()) out.reason = "the JobManager pod is not ready";
  }
  if (ready && out.phase == "DEPLOYING") out.phase.clear();
  return out;
}

std::unique_ptr<Deployer> NewNativeDeployer(spec::Target target, ClusterTarget cluster) {
  return std::make_unique<NativeDeployer>(target, std::move(cluster));
}

}  // namespace sluice::deploy
