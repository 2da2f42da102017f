#include "sim/operator.h"

#include <chrono>

#include "common/ids.h"
#include "common/time.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

constexpr char kFdType[] = "flink.apache.org/flinkdeployments";
constexpr char kSjType[] = "flink.apache.org/flinksessionjobs";
constexpr char kFdFinalizer[] = "flinkdeployments.flink.apache.org/finalizer";
constexpr char kSjFinalizer[] = "flinksessionjobs.flink.apache.org/finalizer";

// The part of a spec whose change needs an upgrade (nonces for snapshots do not).
json UpgradeSpec(const json& spec) {
  json s = spec;
  if (s.contains("job")) {
    s["job"].erase("savepointTriggerNonce");
    s["job"].erase("checkpointTriggerNonce");
    s["job"].erase("state");
  }
  return s;
}

std::string DesiredState(const json& spec) {
  return spec.contains("job") ? spec["job"].value("state", "running") : "running";
}

void FlattenOptions(const json& node, const std::string& prefix,
                    std::map<std::string, std::string>& out) {
  if (node.is_object()) {
    for (auto& [k, v] : node.items())
      FlattenOptions(v, prefix.empty() ? k : prefix + "." + k, out);
  } else if (node.is_string()) {
    out[prefix] = node.get<std::string>();
  } else if (!node.is_null()) {
    out[prefix] = node.dump();
  }
}

json ErrorJson(const std::string& type, const std::string& message) {
  return json{{"type", "org.apache.flink.kubernetes.operator.exception." + type},
              {"message", message},
              {"additionalMetadata", json::object()},
              {"throwableList", json::array()}};
}

const ResourceType* FindOrNull(Api& api, const std::string& plural,
                               std::optional<ResourceType>& holder) {
  holder = api.FindType("flink.apache.org", "v1beta1", plural);
  return holder ? &*holder : nullptr;
}

}  // namespace

FlinkOperator::FlinkOperator(Api& api, Scheduler& scheduler, Settings& settings, FlinkNative& flink)
    : api_(api), scheduler_(scheduler), settings_(settings), flink_(flink) {
  api_.store().AddListener([this](const Event& ev) { OnEvent(ev); });
}

FlinkOperator::~FlinkOperator() {
  alive_.reset();
}

void FlinkOperator::OnEvent(const Event& ev) {
  if (ev.type == "DELETED") return;
  if (ev.type_key == kFdType) Enqueue("fd", ev.ns, ev.name, std::chrono::milliseconds(0));
  if (ev.type_key == kSjType) Enqueue("sj", ev.ns, ev.name, std::chrono::milliseconds(0));
}

void FlinkOperator::Enqueue(const std::string& kind, const std::string& ns, const std::string& name,
                            std::chrono::milliseconds delay) {
  std::string key = kind + "/" + ns + "/" + name + (delay.count() ? "@later" : "");
  {
    std::lock_guard lock(mu_);
    if (!queued_.insert(key).second) return;
  }
  std::weak_ptr<bool> alive = alive_;
  auto step = std::max(delay, settings_.timings().operator_delay);
  scheduler_.After(step, [this, alive, kind, ns, name, key] {
    if (!alive.lock()) return;
    {
      std::lock_guard lock(mu_);
      queued_.erase(key);
    }
    if (kind == "fd")
      ReconcileDeployment(ns, name);
    else
      ReconcileSessionJob(ns, name);
  });
}

json FlinkOperator::Operation(const std::string& ns, const std::string& cluster,
                              const std::string& path) {
  auto c = flink_.Find(ns, cluster);
  if (!c) return nullptr;
  auto r = c->HandleRest("GET", path, {}, "", {});
  if (r.status != 200) return nullptr;
  return json::parse(r.body, nullptr, false);
}

std::string FlinkOperator::Trigger(const std::string& ns, const std::string& cluster,
                                   const std::string& path, const json& body) {
  auto c = flink_.Find(ns, cluster);
  if (!c) return "";
  auto r = c->HandleRest("POST", path, {}, body.dump(), {});
  if (r.status != 202) return "";
  return json::parse(r.body, nullptr, false).value("request-id", "");
}

std::optional<std::string> FlinkOperator::DeployCluster(const json& fd,
                                                        const std::string& restore_path) {
  const json& md = fd["metadata"];
  std::string ns = md.value("namespace", ""), name = md.value("name", "");
  const json& spec = fd["spec"];
  bool session = !spec.contains("job");
  std::map<std::string, std::string> conf;
  FlattenOptions(spec.value("flinkConfiguration", json::object()), "", conf);
  conf["kubernetes.cluster-id"] = name;
  conf["kubernetes.namespace"] = ns;
  conf["execution.target"] = session ? "kubernetes-session" : "kubernetes-application";
  conf["kubernetes.container.image.ref"] = spec.value("image", "");
  conf["kubernetes.service-account"] = spec.value("serviceAccount", "default");
  conf["kubernetes.jobmanager.owner.reference"] =
      "apiVersion:flink.apache.org/v1beta1,kind:FlinkDeployment,name:" + name +
      ",uid:" + md.value("uid", "") + ",controller:false,blockOwnerDeletion:true";
  conf["web.cancel.enable"] = "false";
  conf["kubernetes.rest-service.exposed.type"] = "ClusterIP";
  conf["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION";
  conf["execution.shutdown-on-application-finish"] = "false";
  if (!conf.count("taskmanager.numberOfTaskSlots")) conf["taskmanager.numberOfTaskSlots"] = "1";
  std::string version = spec.value("flinkVersion", "v1_20");
  conf["sluice.sim.flink-version"] = FlinkVersionFromImage(version);
  if (!session) {
    const json& job = spec["job"];
    conf["pipeline.name"] = name;
    conf["$internal.pipeline.job-id"] = RandomHex(16);
    if (job.contains("jarURI")) conf["pipeline.jars"] = "[" + job.value("jarURI", "") + "]";
    if (job.contains("entryClass"))
      conf["$internal.application.main"] = job.value("entryClass", "");
    if (job.contains("args")) conf["$internal.application.program-args"] = job["args"].dump();
    if (job.contains("parallelism"))
      conf["parallelism.default"] = std::to_string(job.value("parallelism", 1));
    if (!restore_path.empty()) conf["execution.state-recovery.path"] = restore_path;
    if (job.value("allowNonRestoredState", false))
      conf["execution.state-recovery.ignore-unclaimed-state"] = "true";
  }
  std::string yaml;
  for (const auto& [k, v] : conf)
    yaml += k + ": " + json(v).dump() + "\n";
  json labels = {{"type", "flink-native-kubernetes"}, {"app", name}, {"component", "jobmanager"}};
  json owner = {{"apiVersion", "flink.apache.org/v1beta1"},
                {"kind", "FlinkDeployment"},
                {"name", name},
                {"uid", md.value("uid", "")},
                {"controller", false},
                {"blockOwnerDeletion", true}};
  json deploy = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", name}, {"namespace", ns}, {"labels", labels}, {"ownerReferences", {owner}}}},
      {"spec",
       {{"replicas", spec.value("jobManager", json::object()).value("replicas", 1)},
        {"selector", {{"matchLabels", labels}}},
        {"template",
         {{"metadata", {{"labels", labels}}},
          {"spec",
           {{"serviceAccountName", spec.value("serviceAccount", "default")},
            {"containers",
             {{{"name", "flink-main-container"},
               {"image", spec.value("image", "")},
               {"args",
                {"bash", "-c",
                 std::string("kubernetes-jobmanager.sh ") +
                     (session ? "kubernetes-session " : "kubernetes-application ")}},
               {"ports",
                {{{"name", "rest"}, {"containerPort", 8081}},
                 {{"name", "jobmanager-rpc"}, {"containerPort", 6123}},
                 {{"name", "blobserver"}, {"containerPort", 6124}}}},
               {"volumeMounts",
                {{{"name", "flink-config-volume"}, {"mountPath", "/opt/flink/conf"}}}}}}},
            {"volumes",
             {{{"name", "flink-config-volume"},
               {"configMap", {{"name", "flink-config-" + name}}}}}}}}}}}}};
  Caller op{"system:serviceaccount:flink-operator:flink-operator",
            {"system:masters"},
            true,
            "flink-kubernetes-operator"};
  auto d = api_.Create(op, api_.type("apps/deployments"), ns, deploy);
  if (!d.ok()) return d.status().message;
  json dep_owner = {{"apiVersion", "apps/v1"},
                    {"kind", "Deployment"},
                    {"name", name},
                    {"uid", d.value()["metadata"]["uid"]},
                    {"controller", true},
                    {"blockOwnerDeletion", true}};
  json common = {{"type", "flink-native-kubernetes"}, {"app", name}};
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata",
              {{"name", "flink-config-" + name},
               {"namespace", ns},
               {"labels", common},
               {"ownerReferences", {dep_owner}}}},
             {"data", {{"config.yaml", yaml}}}};
  json svc = {{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata",
               {{"name", name + "-rest"},
                {"namespace", ns},
                {"labels", common},
                {"ownerReferences", {dep_owner}}}},
              {"spec",
               {{"type", "ClusterIP"},
                {"selector", labels},
                {"ports", {{{"name", "rest"}, {"port", 8081}, {"targetPort", 8081}}}}}}};
  auto c = api_.Create(op, api_.type("/configmaps"), ns, cm);
  if (!c.ok()) return c.status().message;
  auto s = api_.Create(op, api_.type("/services"), ns, svc);
  if (!s.ok() && s.status().code != 409) return s.status().message;
  return std::nullopt;
}

bool FlinkOperator::DeleteCluster(const std::string& ns, const std::string& name) {
  auto r = api_.Delete(Caller::System(), api_.type("apps/deployments"), ns, name,
                       {.propagation = "Foreground"});
  return r.ok();
}

bool FlinkOperator::ClusterGone(const std::string& ns, const std::string& name) {
  return !api_.store().Get("apps/deployments", ns, name) &&
         !api_.store().Get("/configmaps", ns, "flink-config-" + name);
}

void FlinkOperator::ReconcileDeployment(const std::string& ns, const std::string& name) {
  std::optional<ResourceType> holder;
  const ResourceType* t = FindOrNull(api_, "flinkdeployments", holder);
  if (!t) return;
  auto fd_opt = api_.Read(*t, ns, name);
  if (!fd_opt) return;
  json fd = *fd_opt;
  const json spec = fd.value("spec", json::object());
  json status = fd.value("status", json::object());
  json before = status;
  std::string key = "fd/" + ns + "/" + name;
  bool session = !spec.contains("job");
  auto write = [&] {
    if (status == before) return;
    api_.Mutate(*t, ns, name, [&](json& o) {
      o["status"] = status;
      return true;
    });
  };
  auto poll = [&] { Enqueue("fd", ns, name, settings_.timings().operator_delay * 5); };

  if (fd["metadata"].contains("deletionTimestamp")) {
    status["lifecycleState"] = "DELETING";
    write();
    if (!ClusterGone(ns, name)) {
      DeleteCluster(ns, name);
      poll();
      return;
    }
    api_.Mutate(*t, ns, name, [&](json& o) {
      json kept = json::array();
      for (const auto& f : o["metadata"].value("finalizers", json::array())) {
        if (f != kFdFinalizer) kept.push_back(f);
      }
      o["metadata"]["finalizers"] = kept;
      return true;
    });
    return;
  }
  json finalizers = fd["metadata"].value("finalizers", json::array());
  if (std::find(finalizers.begin(), finalizers.end(), kFdFinalizer) == finalizers.end()) {
    api_.Mutate(*t, ns, name, [&](json& o) {
      o["metadata"]["finalizers"].push_back(kFdFinalizer);
      return true;
    });
    return;  // the change comes back as an event
  }
  int64_t generation = fd["metadata"].value("generation", 1);
  json& rs = status["reconciliationStatus"];
  if (!rs.is_object()) rs = json::object();
  json last = json::parse(rs.value("lastReconciledSpec", "null"), nullptr, false);
  if (last.is_discarded()) last = nullptr;
  json& job = status["jobStatus"];
  if (!job.is_object()) job = json::object();
  std::string desired = DesiredState(spec);
  auto reconciled = [&](const std::string& state) {
    rs["lastReconciledSpec"] = spec.dump();
    rs["reconciliationTimestamp"] = NowMillis();
    rs["state"] = state;
    status["observedGeneration"] = generation;
  };

  // An operation in flight: a manual savepoint, or the stop-with-savepoint of an upgrade.
  Pending pending;
  bool has_pending = false;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(key);
    if (it != pending_.end()) {
      pending = it->second;
      has_pending = true;
    }
  }
  if (has_pending) {
    json op = Operation(ns, name, "/jobs/" + pending.job_id + "/savepoints/" + pending.trigger_id);
    if (op.is_null() || op["status"].value("id", "") != "COMPLETED") {
      if (op.is_null() && pending.kind == "savepoint") {
        std::lock_guard lock(mu_);
        pending_.erase(key);
      }
      poll();
      return;
    }
    {
      std::lock_guard lock(mu_);
      pending_.erase(key);
    }
    json& sp = job["savepointInfo"];
    if (!sp.is_object()) sp = json::object();
    sp.erase("triggerId");
    sp.erase("triggerTimestamp");
    sp.erase("triggerType");
    sp.erase("formatType");
    if (op["operation"].contains("location")) {
      json saved = {{"timeStamp", pending.started},
                    {"location", op["operation"]["location"]},
                    {"triggerType", pending.kind == "savepoint" ? "MANUAL" : "UPGRADE"},
                    {"formatType", "CANONICAL"}};
      if (pending.kind == "savepoint") saved["triggerNonce"] = pending.nonce;
      sp["lastSavepoint"] = saved;
      if (!sp["savepointHistory"].is_array()) sp["savepointHistory"] = json::array();
      sp["savepointHistory"].push_back(saved);
      if (pending.kind == "suspend") job["upgradeSavepointPath"] = op["operation"]["location"];
      status.erase("error");
    } else {
      status["error"] =
          ErrorJson("ReconciliationException",
                    "Savepoint failed: " + op["operation"]
                                               .value("failure-cause", json::object())
                                               .value("stack-trace", std::string("unknown"))
                                               .substr(0, 300))
              .dump();
    }
    if (pending.kind == "savepoint") {
      if (last.is_object() && last.contains("job")) {
        last["job"]["savepointTriggerNonce"] = pending.nonce;
        rs["lastReconciledSpec"] = last.dump();
      }
      write();
      poll();
      return;
    }
    // The upgrade's savepoint is done: the cluster goes.
    DeleteCluster(ns, name);
    write();
    poll();
    return;
  }

  if (last.is_null()) {
    if (spec.value("flinkVersion", "").empty()) {
      status["error"] = ErrorJson("ValidationException", "Flink version must be defined.").dump();
      status["lifecycleState"] = "CREATED";
      write();
      return;
    }
    if (!session && !spec["job"].contains("jarURI") &&
        FlinkVersionFromImage(spec.value("flinkVersion", "")).rfind("1.", 0) == 0) {
      status["error"] = ErrorJson("ValidationException", "Jar URI must be defined").dump();
      status["lifecycleState"] = "CREATED";
      write();
      return;
    }
    status.erase("error");
    if (desired == "suspended") {
      reconciled("DEPLOYED");
      status["lifecycleState"] = "SUSPENDED";
      status["jobManagerDeploymentStatus"] = "MISSING";
      job["state"] = "FINISHED";
      write();
      return;
    }
    std::string restore = session ? "" : spec["job"].value("initialSavepointPath", "");
    auto err = DeployCluster(fd, restore);
    if (err) {
      status["error"] = ErrorJson("ReconciliationException", *err).dump();
      write();
      poll();
      return;
    }
    reconciled("DEPLOYED");
    status["lifecycleState"] = "DEPLOYED";
    status["jobManagerDeploymentStatus"] = "DEPLOYING";
    if (!session) job["state"] = "RECONCILING";
    status["clusterInfo"] = json::object();
    write();
    poll();
    return;
  }

  bool spec_changed =
      UpgradeSpec(spec) != UpgradeSpec(last) || DesiredState(spec) != DesiredState(last);
  bool deployed = api_.store().Get("apps/deployments", ns, name).has_value();
  if (spec_changed) {
    std::string mode = session ? "stateless" : spec["job"].value("upgradeMode", "stateless");
    status["lifecycleState"] = "UPGRADING";
    rs["state"] = "UPGRADING";
    if (deployed) {
      auto cluster = flink_.Find(ns, name);
      std::string jid = job.value("jobId", "");
      if (mode == "savepoint" && cluster && !jid.empty() && cluster->job_state(jid) == "RUNNING") {
        std::string trigger = Trigger(ns, name, "/jobs/" + jid + "/stop", {{"drain", false}});
        if (!trigger.empty()) {
          std::lock_guard lock(mu_);
          pending_[key] = Pending{"suspend", trigger, jid, name, 0, NowMillis()};
        }
        job["state"] = "RUNNING";
      } else {
        if (mode == "last-state" && cluster) {
          auto recovery = cluster->LatestRecovery();
          if (recovery && !recovery->checkpoint_path.empty())
            job["upgradeSavepointPath"] = recovery->checkpoint_path;
        }
        if (mode == "stateless") job.erase("upgradeSavepointPath");
        DeleteCluster(ns, name);
      }
      write();
      poll();
      return;
    }
    if (!ClusterGone(ns, name)) {
      poll();
      return;
    }
    if (desired == "suspended") {
      reconciled("DEPLOYED");
      status["lifecycleState"] = "SUSPENDED";
      status["jobManagerDeploymentStatus"] = "MISSING";
      job["state"] = mode == "stateless" ? "CANCELED" : "FINISHED";
      write();
      return;
    }
    std::string restore = mode == "stateless" ? "" : job.value("upgradeSavepointPath", "");
    auto err = DeployCluster(fd, restore);
    if (err) {
      status["error"] = ErrorJson("ReconciliationException", *err).dump();
      write();
      poll();
      return;
    }
    reconciled("DEPLOYED");
    status["lifecycleState"] = "DEPLOYED";
    status["jobManagerDeploymentStatus"] = "DEPLOYING";
    job["state"] = "RECONCILING";
    write();
    poll();
    return;
  }
  status["observedGeneration"] = generation;
  if (desired == "suspended") {
    write();
    return;
  }

  // Manual savepoint: a new savepointTriggerNonce.
  if (!session && spec["job"].contains("savepointTriggerNonce") &&
      spec["job"]["savepointTriggerNonce"] != last["job"].value("savepointTriggerNonce", json())) {
    std::string jid = job.value("jobId", "");
    auto cluster = flink_.Find(ns, name);
    if (cluster && !jid.empty() && cluster->job_state(jid) == "RUNNING") {
      std::string trigger = Trigger(ns, name, "/jobs/" + jid + "/savepoints", json::object());
      if (!trigger.empty()) {
        int64_t nonce = spec["job"]["savepointTriggerNonce"].is_number()
                            ? spec["job"]["savepointTriggerNonce"].get<int64_t>()
                            : 0;
        {
          std::lock_guard lock(mu_);
          pending_[key] = Pending{"savepoint", trigger, jid, name, nonce, NowMillis()};
        }
        json& sp = job["savepointInfo"];
        if (!sp.is_object()) sp = json::object();
        sp["triggerId"] = trigger;
        sp["triggerTimestamp"] = NowMillis();
        sp["triggerType"] = "MANUAL";
        sp["formatType"] = "CANONICAL";
      }
    }
  }

  // Observe the JobManager Deployment and the job.
  auto d = api_.Read(api_.type("apps/deployments"), ns, name);
  std::string jm_status = "MISSING";
  if (d) {
    jm_status = (*d)["status"].value("readyReplicas", 0) >= 1 ? "DEPLOYED_NOT_READY" : "DEPLOYING";
    for (const auto& o : api_.store().List("/pods", ns)) {
      auto app = o.labels.find("app");
      auto comp = o.labels.find("component");
      if (app == o.labels.end() || app->second != name || comp == o.labels.end() ||
          comp->second != "jobmanager")
        continue;
      for (const auto& cs : o.Json()["status"].value("containerStatuses", json::array())) {
        std::string reason =
            cs.value("state", json::object()).value("waiting", json::object()).value("reason", "");
        if (reason == "ImagePullBackOff" || reason == "ErrImagePull" ||
            reason == "CrashLoopBackOff") {
          jm_status = "ERROR";
          status["error"] = ErrorJson("DeploymentFailedException",
                                      "back-off pulling or restarting the JobManager: " + reason)
                                .dump();
        }
      }
    }
  }
  auto cluster = flink_.Find(ns, name);
  if (cluster && jm_status == "DEPLOYED_NOT_READY") jm_status = "READY";
  status["jobManagerDeploymentStatus"] = jm_status;
  std::string lifecycle = "DEPLOYED";
  if (cluster && jm_status == "READY") {
    status["clusterInfo"] = {{"flink-version", cluster->flink_version()},
                             {"flink-revision", "sim0000 @ 2026-01-01T00:00:00+00:00"},
                             {"total-cpu", std::to_string(1 + cluster->taskmanager_count()) + ".0"},
                             {"total-memory", "3506438144"}};
    status["taskManager"] = {{"labelSelector", "component=taskmanager,app=" + name},
                             {"replicas", cluster->taskmanager_count()}};
    if (session) {
      lifecycle = "STABLE";
    } else {
      auto ids = cluster->job_ids();
      if (!ids.empty()) {
        std::string jid = ids.back();
        std::string state = cluster->job_state(jid);
        if (job.value("jobId", "") != jid || job.value("state", "") != state)
          job["updateTime"] = std::to_string(NowMillis());
        job["jobId"] = jid;
        job["jobName"] = name;
        job["state"] = state;
        if (!job.contains("startTime")) job["startTime"] = std::to_string(NowMillis());
        if (state == "RUNNING") lifecycle = "STABLE";
        if (state == "FAILED") lifecycle = "FAILED";
      }
    }
  }
  if (jm_status == "ERROR") lifecycle = "DEPLOYED";
  if (lifecycle == "STABLE") rs["lastStableSpec"] = rs["lastReconciledSpec"];
  if (lifecycle == "STABLE" && jm_status == "READY") status.erase("error");
  status["lifecycleState"] = lifecycle;
  write();
  poll();
}

void FlinkOperator::ReconcileSessionJob(const std::string& ns, const std::string& name) {
  std::optional<ResourceType> holder;
  const ResourceType* t = FindOrNull(api_, "flinksessionjobs", holder);
  if (!t) return;
  auto sj_opt = api_.Read(*t, ns, name);
  if (!sj_opt) return;
  json sj = *sj_opt;
  const json spec = sj.value("spec", json::object());
  json status = sj.value("status", json::object());
  json before = status;
  std::string key = "sj/" + ns + "/" + name;
  std::string session = spec.value("deploymentName", "");
  auto write = [&] {
    if (status == before) return;
    api_.Mutate(*t, ns, name, [&](json& o) {
      o["status"] = status;
      return true;
    });
  };
  auto poll = [&] { Enqueue("sj", ns, name, settings_.timings().operator_delay * 5); };
  json& job = status["jobStatus"];
  if (!job.is_object()) job = json::object();
  json& rs = status["reconciliationStatus"];
  if (!rs.is_object()) rs = json::object();
  auto cluster = flink_.Find(ns, session);
  std::string jid = job.value("jobId", "");
  if (sj["metadata"].contains("deletionTimestamp")) {
    status["lifecycleState"] = "DELETING";
    write();
    if (cluster && !jid.empty())
      cluster->HandleRest("PATCH", "/jobs/" + jid, {{"mode", "cancel"}}, "", {});
    api_.Mutate(*t, ns, name, [&](json& o) {
      json kept = json::array();
      for (const auto& f : o["metadata"].value("finalizers", json::array())) {
        if (f != kSjFinalizer) kept.push_back(f);
      }
      o["metadata"]["finalizers"] = kept;
      return true;
    });
    return;
  }
  json finalizers = sj["metadata"].value("finalizers", json::array());
  if (std::find(finalizers.begin(), finalizers.end(), kSjFinalizer) == finalizers.end()) {
    api_.Mutate(*t, ns, name, [&](json& o) {
      o["metadata"]["finalizers"].push_back(kSjFinalizer);
      return true;
    });
    return;
  }
  json last = json::parse(rs.value("lastReconciledSpec", "null"), nullptr, false);
  if (last.is_discarded()) last = nullptr;
  std::string desired = DesiredState(spec);
  int64_t generation = sj["metadata"].value("generation", 1);
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(key);
    if (it != pending_.end()) {
      Pending p = it->second;
      json op = Operation(ns, session, "/jobs/" + p.job_id + "/savepoints/" + p.trigger_id);
      if (op.is_null() || op["status"].value("id", "") != "COMPLETED") {
        poll();
        return;
      }
      pending_.erase(it);
      if (op["operation"].contains("location")) {
        json saved = {{"timeStamp", p.started},
                      {"location", op["operation"]["location"]},
                      {"triggerType", p.kind == "savepoint" ? "MANUAL" : "UPGRADE"},
                      {"formatType", "CANONICAL"}};
        job["savepointInfo"]["lastSavepoint"] = saved;
        if (p.kind == "suspend") job["upgradeSavepointPath"] = op["operation"]["location"];
      }
      if (p.kind == "savepoint" && last.is_object()) {
        last["job"]["savepointTriggerNonce"] = spec["job"].value("savepointTriggerNonce", json());
        rs["lastReconciledSpec"] = last.dump();
      }
      if (p.kind == "suspend") job["state"] = "FINISHED";
    }
  }
  auto submit = [&](const std::string& restore) {
    JobSubmission sub;
    const json& j = spec.value("job", json::object());
    sub.jar = j.value("jarURI", "");
    sub.entry_class = j.value("entryClass", "");
    for (const auto& a : j.value("args", json::array()))
      sub.args.push_back(a.get<std::string>());
    sub.parallelism = j.value("parallelism", 0);
    sub.restore_path = restore;
    sub.name = name;
    std::map<std::string, std::string> conf;
    FlattenOptions(spec.value("flinkConfiguration", json::object()), "", conf);
    sub.config = conf;
    std::string id = cluster->Submit(sub);
    job["jobId"] = id;
    job["jobName"] = name;
    job["state"] = "RECONCILING";
    rs["lastReconciledSpec"] = spec.dump();
    rs["reconciliationTimestamp"] = NowMillis();
    rs["state"] = "DEPLOYED";
    status["observedGeneration"] = generation;
    status["lifecycleState"] = "DEPLOYED";
  };
  if (!cluster) {
    status["error"] =
        ErrorJson("MissingSessionJobException", "Session cluster " + session + " is not ready")
            .dump();
    if (!status.contains("lifecycleState")) status["lifecycleState"] = "CREATED";
    write();
    poll();
    return;
  }
  status.erase("error");
  bool changed = last.is_null() || UpgradeSpec(spec) != UpgradeSpec(last) ||
                 DesiredState(spec) != DesiredState(last);
  if (changed) {
    std::string mode = spec.value("job", json::object()).value("upgradeMode", "stateless");
    std::string state = jid.empty() ? "" : cluster->job_state(jid);
    bool active = !state.empty() && state != "FINISHED" && state != "CANCELED" && state != "FAILED";
    if (active) {
      status["lifecycleState"] = "UPGRADING";
      rs["state"] = "UPGRADING";
      if (mode == "savepoint" && state == "RUNNING") {
        std::string trigger = Trigger(ns, session, "/jobs/" + jid + "/stop", {{"drain", false}});
        std::lock_guard lock(mu_);
        if (!trigger.empty())
          pending_[key] = Pending{"suspend", trigger, jid, session, 0, NowMillis()};
      } else {
        cluster->HandleRest("PATCH", "/jobs/" + jid, {{"mode", "cancel"}}, "", {});
        job["state"] = "CANCELED";
      }
      write();
      poll();
      return;
    }
    if (desired == "suspended") {
      rs["lastReconciledSpec"] = spec.dump();
      rs["state"] = "DEPLOYED";
      status["observedGeneration"] = generation;
      status["lifecycleState"] = "SUSPENDED";
      write();
      return;
    }
    std::string restore = last.is_null()
                              ? spec.value("job", json::object()).value("initialSavepointPath", "")
                              : (mode == "stateless" ? "" : job.value("upgradeSavepointPath", ""));
    submit(restore);
    write();
    poll();
    return;
  }
  status["observedGeneration"] = generation;
  if (desired == "suspended") {
    write();
    return;
  }
  if (spec["job"].contains("savepointTriggerNonce") &&
      spec["job"]["savepointTriggerNonce"] != last["job"].value("savepointTriggerNonce", json()) &&
      cluster->job_state(jid) == "RUNNING") {
    std::string trigger = Trigger(ns, session, "/jobs/" + jid + "/savepoints", json::object());
    std::lock_guard lock(mu_);
    if (!trigger.empty()) {
      int64_t nonce = spec["job"]["savepointTriggerNonce"].is_number()
                          ? spec["job"]["savepointTriggerNonce"].get<int64_t>()
                          : 0;
      pending_[key] = Pending{"savepoint", trigger, jid, session, nonce, NowMillis()};
    }
  }
  std::string state = cluster->job_state(jid);
  job["state"] = state;
  status["lifecycleState"] = state == "RUNNING"  ? "STABLE"
                             : state == "FAILED" ? "FAILED"
                                                 : "DEPLOYED";
  if (state == "RUNNING") rs["lastStableSpec"] = rs["lastReconciledSpec"];
  write();
  poll();
}

}  // namespace sluice::sim
