#include "sim/flink_native.h"

#include "common/log.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

bool Ready(const json& pod) {
  for (const auto& c : pod.value("status", json::object()).value("conditions", json::array())) {
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

std::string Image(const json& pod) {
  const json cs = pod["spec"].value("containers", json::array());
  return cs.empty() ? "" : cs[0].value("image", "");
}

std::string FlinkVersionFor(const FlinkConfig& config, const std::string& image) {
  if (auto v = config.Get("sluice.sim.flink-version")) return FullFlinkVersion(*v);
  std::string v = FlinkVersionFromImage(image);
  return v.empty() ? FullFlinkVersion("1.20") : v;
}

std::optional<FlinkConfig> ConfigOf(Api& api, const std::string& ns, const std::string& cid) {
  auto cm = api.Read(api.type("/configmaps"), ns, "flink-config-" + cid);
  if (!cm) return std::nullopt;
  auto c = FlinkConfig::FromConfigMap(*cm);
  if (!c.ok()) return std::nullopt;
  return c.value();
}

bool ApplicationMode(const FlinkConfig& config, const json& pod) {
  std::string target = config.GetOr("execution.target", "");
  if (target == "kubernetes-application") return true;
  if (target == "kubernetes-session") return false;
  std::string args = pod["spec"].value("containers", json::array()).empty()
                         ? ""
                         : pod["spec"]["containers"][0].value("args", json::array()).dump();
  return args.find("kubernetes-application") != std::string::npos;
}

}  // namespace

bool FlinkNative::IsFlinkPod(const json& pod, const std::string& component) {
  json labels = pod["metadata"].value("labels", json::object());
  return labels.value("type", "") == "flink-native-kubernetes" &&
         labels.value("component", "") == component && labels.contains("app");
}

FlinkNative::FlinkNative(Api& api, Scheduler& scheduler, Settings& settings,
                         Controllers& controllers, SavepointRegistry& savepoints)
    : api_(api),
      scheduler_(scheduler),
      settings_(settings),
      controllers_(controllers),
      savepoints_(savepoints),
      ha_(api) {
  api_.store().AddListener([this](const Event& ev) { OnEvent(ev); });
}

FlinkNative::~FlinkNative() {
  std::map<Key, Entry> drop;
  {
    std::lock_guard lock(mu_);
    drop.swap(clusters_);
  }
  for (auto& [_, e] : drop) {
    if (e.server) e.server->Shutdown(std::chrono::milliseconds(0));
  }
}

void FlinkNative::OnEvent(const Event& ev) {
  // Under the store lock: only queue work.
  auto type = ev.labels.find("type");
  if (type == ev.labels.end() || type->second != "flink-native-kubernetes") return;
  auto comp = ev.labels.find("component");
  std::string component = comp == ev.labels.end() ? "" : comp->second;
  std::string ns = ev.ns, name = ev.name;
  if (ev.type_key == "/pods") {
    if (ev.type == "DELETED") {
      Labels labels = ev.labels;
      scheduler_.Post([this, ns, name, labels] { OnPodGone(ns, name, labels); });
    } else if (component == "jobmanager") {
      scheduler_.Post([this, ns, name] { OnJobManagerPod(ns, name); });
    } else if (component == "taskmanager") {
      scheduler_.Post([this, ns, name] { OnTaskManagerPod(ns, name); });
    }
  } else if (ev.type_key == "apps/deployments" && ev.type == "DELETED" &&
             component == "jobmanager") {
    auto app = ev.labels.find("app");
    if (app == ev.labels.end()) return;
    std::string cid = app->second;
    std::string uid = ev.uid;
    scheduler_.Post([this, ns, cid, uid] {
      std::unique_ptr<http::Server> server;
      std::shared_ptr<FlinkCluster> cluster;
      std::string sa;
      {
        std::lock_guard lock(mu_);
        auto it = clusters_.find({ns, cid});
        if (it == clusters_.end() || it->second.deployment_uid != uid) return;
        server = std::move(it->second.server);
        cluster = it->second.cluster;
        sa = it->second.service_account;
        clusters_.erase(it);
      }
      if (cluster) StopJobManager(ns, cid, sa, *cluster);
      if (server) server->Shutdown(std::chrono::milliseconds(0));
    });
  }
}

void FlinkNative::OnJobManagerPod(const std::string& ns, const std::string& pod_name) {
  auto pod = api_.Read(api_.type("/pods"), ns, pod_name);
  if (!pod || (*pod)["metadata"].contains("deletionTimestamp") || !Ready(*pod)) return;
  std::string cid = (*pod)["metadata"]["labels"].value("app", "");
  // The owning Deployment (through the ReplicaSet) is the cluster.
  std::string deploy_uid;
  for (const auto& r : (*pod)["metadata"].value("ownerReferences", json::array())) {
    if (r.value("kind", "") != "ReplicaSet") continue;
    auto rs = api_.Read(api_.type("apps/replicasets"), ns, r.value("name", ""));
    if (!rs) continue;
    for (const auto& d : (*rs)["metadata"].value("ownerReferences", json::array())) {
      if (d.value("kind", "") == "Deployment") deploy_uid = d.value("uid", "");
    }
  }
  auto config = ConfigOf(api_, ns, cid);
  if (!config) return;  // the kubelet keeps such a pod in ContainerCreating
  std::string version = FlinkVersionFor(*config, Image(*pod));
  ClusterMode mode =
      ApplicationMode(*config, *pod) ? ClusterMode::kApplication : ClusterMode::kSession;
  std::string sa = (*pod)["spec"].value("serviceAccountName", "default");
  std::shared_ptr<FlinkCluster> cluster, previous;
  std::string previous_sa;
  {
    std::lock_guard lock(mu_);
    Entry& e = clusters_[{ns, cid}];
    if (e.jm_pod == pod_name && e.cluster) return;
    if (e.deployment_uid != deploy_uid) e.next_tm = 1;
    e.deployment_uid = deploy_uid;
    previous = e.cluster;
    previous_sa = e.service_account;
    e.jm_pod = pod_name;
    e.service_account = sa;
    ClusterBackend backend;
    backend.request_taskmanagers = [this, ns, cid](int n) {
      return CreateTaskManagers(ns, cid, n);
    };
    backend.shutdown = [this, ns, cid] { ShutdownCluster(ns, cid); };
    backend.job_terminal = [this, ns, cid](const std::string& jid) { ForgetHaJob(ns, cid, jid); };
    cluster = std::make_shared<FlinkCluster>(cid, ns, mode, *config, version, scheduler_, settings_,
                                             savepoints_, backend);
    e.cluster = cluster;
  }
  if (previous) StopJobManager(ns, cid, previous_sa, *previous);
  std::optional<FlinkCluster::Recovery> recovery;
  if (cluster->ha_enabled()) {
    std::string fixed_id =
        config->GetOr("$internal.pipeline.job-id",
                      JobIdFromClusterId(config->GetOr("high-availability.cluster-id", cid)));
    recovery = ha_.Recover(ns, cid, fixed_id);
  }
  cluster->Start(recovery);
  if (cluster->ha_enabled()) {
    for (const auto& jid : cluster->job_ids()) {
      if (auto err = ha_.RecordJob(Caller::ServiceAccount(ns, sa), ns, cid, version, jid))
        cluster->AppendLog("ERROR", "org.apache.flink.kubernetes.highavailability",
                           "Could not store the job graph of " + jid + ": " + *err);
    }
  }
  // TaskManagers that outlived a previous JobManager register with the new one.
  for (const auto& o : api_.store().List("/pods", ns)) {
    if (o.deleting) continue;
    auto app = o.labels.find("app");
    auto comp = o.labels.find("component");
    if (app != o.labels.end() && app->second == cid && comp != o.labels.end() &&
        comp->second == "taskmanager") {
      OnTaskManagerPod(ns, o.name);
    }
  }
}

void FlinkNative::OnTaskManagerPod(const std::string& ns, const std::string& pod_name) {
  auto pod = api_.Read(api_.type("/pods"), ns, pod_name);
  if (!pod || (*pod)["metadata"].contains("deletionTimestamp") || !Ready(*pod)) return;
  std::string cid = (*pod)["metadata"]["labels"].value("app", "");
  std::shared_ptr<FlinkCluster> cluster = Find(ns, cid);
  if (!cluster) return;
  cluster->TaskManagerRegistered(pod_name, cluster->slots_per_taskmanager());
}

void FlinkNative::OnPodGone(const std::string& ns, const std::string& pod_name,
                            const Labels& labels) {
  auto app = labels.find("app");
  auto comp = labels.find("component");
  if (app == labels.end() || comp == labels.end()) return;
  std::shared_ptr<FlinkCluster> cluster;
  bool jobmanager = false;
  std::string sa;
  {
    std::lock_guard lock(mu_);
    auto it = clusters_.find({ns, app->second});
    if (it == clusters_.end()) return;
    Entry& e = it->second;
    cluster = e.cluster;
    if (comp->second == "jobmanager" && e.jm_pod == pod_name) {
      jobmanager = true;
      sa = e.service_account;
      e.cluster.reset();
      e.jm_pod.clear();
    }
  }
  if (!cluster) return;
  if (jobmanager) {
    StopJobManager(ns, app->second, sa, *cluster);
  } else if (comp->second == "taskmanager") {
    cluster->TaskManagerLost(pod_name);
  }
}

void FlinkNative::StopJobManager(const std::string& ns, const std::string& cid,
                                 const std::string& sa, FlinkCluster& cluster) {
  cluster.Stop();
  if (!cluster.ha_enabled()) return;
  auto latest = cluster.LatestRecovery();
  if (!latest) return;
  ha_.RecordCheckpoint(Caller::ServiceAccount(ns, sa), ns, cid, cluster.flink_version(), *latest);
}

void FlinkNative::ForgetHaJob(const std::string& ns, const std::string& cid,
                              const std::string& job_id) {
  std::string sa;
  {
    std::lock_guard lock(mu_);
    auto it = clusters_.find({ns, cid});
    sa = it == clusters_.end() ? "default" : it->second.service_account;
  }
  ha_.ForgetJob(Caller::ServiceAccount(ns, sa), ns, cid, job_id);
}

std::optional<std::string> FlinkNative::CreateTaskManagers(const std::string& ns,
                                                           const std::string& cid, int count) {
  std::string sa;
  std::string jm_pod;
  {
    std::lock_guard lock(mu_);
    auto it = clusters_.find({ns, cid});
    if (it == clusters_.end()) return "the cluster is gone";
    sa = it->second.service_account;
    jm_pod = it->second.jm_pod;
  }
  Caller caller = Caller::ServiceAccount(ns, sa);
  std::string api_base = "https://10.96.0.1/api/v1/namespaces/" + ns;
  // Flink reads its own Deployment for the owner reference first.
  auto deploy = api_.Get(caller, api_.type("apps/deployments"), ns, cid);
  if (!deploy.ok()) {
    return "io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: GET at: "
           "https://10.96.0.1/apis/apps/v1/namespaces/" +
           ns + "/deployments/" + cid +
           ". Message: Forbidden!Configured service account doesn't have access. Service account "
           "may have been revoked. " +
           deploy.status().message + ".";
  }
  auto config = ConfigOf(api_, ns, cid);
  if (!config)
    return "io.fabric8.kubernetes.client.KubernetesClientException: configmap flink-config-" + cid +
           " not found";
  auto jm = api_.Read(api_.type("/pods"), ns, jm_pod);
  std::string image =
      config->GetOr("kubernetes.container.image.ref",
                    config->GetOr("kubernetes.container.image", jm ? Image(*jm) : ""));
  std::string tm_sa = config->GetOr("kubernetes.taskmanager.service-account",
                                    config->GetOr("kubernetes.service-account", "default"));
  int slots = static_cast<int>(config->GetInt("taskmanager.numberOfTaskSlots", 1));
  json labels = {{"type", "flink-native-kubernetes"}, {"app", cid}, {"component", "taskmanager"}};
  for (const auto& kv : config->GetList("kubernetes.taskmanager.labels")) {
    for (size_t i = 0, j; i < kv.size(); i = j + 1) {
      j = kv.find(',', i);
      if (j == std::string::npos) j = kv.size();
      std::string one = kv.substr(i, j - i);
      auto colon = one.find(':');
      if (colon != std::string::npos) labels[one.substr(0, colon)] = one.substr(colon + 1);
    }
  }
  json owner = {{"apiVersion", "apps/v1"},
                {"kind", "Deployment"},
                {"name", cid},
                {"uid", deploy.value()["metadata"].value("uid", "")},
                {"controller", true},
                {"blockOwnerDeletion", true}};
  for (int i = 0; i < count; ++i) {
    int n;
    {
      std::lock_guard lock(mu_);
      auto it = clusters_.find({ns, cid});
      if (it == clusters_.end()) return "the cluster is gone";
      n = it->second.next_tm++;
    }
    std::string name = cid + "-taskmanager-1-" + std::to_string(n);
    json pod = {
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata",
         {{"name", name}, {"namespace", ns}, {"labels", labels}, {"ownerReferences", {owner}}}},
        {"spec",
         {{"serviceAccountName", tm_sa},
          {"restartPolicy", "Never"},
          {"containers",
           {{{"name", "flink-main-container"},
             {"image", image},
             {"imagePullPolicy",
              config->GetOr("kubernetes.container.image.pull-policy", "IfNotPresent")},
             {"args",
              {"bash", "-c",
               "kubernetes-taskmanager.sh -Dtaskmanager.resource-id=" + name +
                   " -Dtaskmanager.numberOfTaskSlots=" + std::to_string(slots)}},
             {"ports",
              {{{"name", "taskmanager-rpc"}, {"containerPort", 6122}, {"protocol", "TCP"}}}},
             {"env",
              {{{"name", "_POD_NODE_ID"},
                {"valueFrom",
                 {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "spec.nodeName"}}}}}}}},
             {"volumeMounts",
              {{{"name", "flink-config-volume"}, {"mountPath", "/opt/flink/conf"}}}}}}},
          {"volumes",
           {{{"name", "flink-config-volume"},
             {"configMap",
              {{"name", "flink-config-" + cid},
               {"items",
                {{{"key",
                   config->format() == "flink-conf.yaml" ? "flink-conf.yaml" : "config.yaml"},
                  {"path", config->format() == "flink-conf.yaml" ? "flink-conf.yaml"
                                                                 : "config.yaml"}}}}}}}}}}}};
    auto created = api_.Create(caller, api_.type("/pods"), ns, pod);
    if (!created.ok()) {
      std::string msg = created.status().message;
      std::string prefix =
          created.status().code == 403 && msg.find("service account") == std::string::npos
              ? "Forbidden!Configured service account doesn't have access. Service account may "
                "have been revoked. "
              : "";
      return "io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: POST "
             "at: " +
             api_base + "/pods. Message: " + prefix + msg +
             ". Received status: Status(apiVersion=v1, code=" +
             std::to_string(created.status().code) +
             ", kind=Status, reason=" + created.status().reason + ").";
    }
  }
  return std::nullopt;
}

void FlinkNative::ShutdownCluster(const std::string& ns, const std::string& cid) {
  std::string sa;
  {
    std::lock_guard lock(mu_);
    auto it = clusters_.find({ns, cid});
    if (it == clusters_.end()) return;
    sa = it->second.service_account;
  }
  // The JobManager deletes its own Deployment; owner references take the rest.
  auto r = api_.Delete(Caller::ServiceAccount(ns, sa), api_.type("apps/deployments"), ns, cid,
                       {.propagation = "Foreground"});
  if (!r.ok()) {
    if (auto c = Find(ns, cid)) {
      c->AppendLog("ERROR", "org.apache.flink.kubernetes.KubernetesResourceManagerDriver",
                   "Failed to stop Kubernetes cluster " + cid + ": " + r.status().message);
    }
  }
}

std::shared_ptr<FlinkCluster> FlinkNative::Find(const std::string& ns,
                                                const std::string& cid) const {
  std::lock_guard lock(mu_);
  auto it = clusters_.find({ns, cid});
  if (it == clusters_.end()) return nullptr;
  return it->second.cluster;
}

size_t FlinkNative::size() const {
  std::lock_guard lock(mu_);
  return clusters_.size();
}

size_t FlinkNative::running_jobs() const {
  std::vector<std::shared_ptr<FlinkCluster>> clusters;
  {
    std::lock_guard lock(mu_);
    for (const auto& [_, e] : clusters_) {
      if (e.cluster) clusters.push_back(e.cluster);
    }
  }
  size_t n = 0;
  for (const auto& c : clusters) {
    auto ids = c->job_ids();
    if (!ids.empty() && c->job_state(ids.back()) == "RUNNING") ++n;
  }
  return n;
}

json FlinkNative::Describe(const std::string& ns, const std::string& cid) const {
  std::lock_guard lock(mu_);
  auto it = clusters_.find({ns, cid});
  if (it == clusters_.end()) return nullptr;
  const Entry& e = it->second;
  json j = {{"namespace", ns},
            {"clusterId", cid},
            {"jobManagerPod", e.jm_pod},
            {"serviceAccount", e.service_account},
            {"running", static_cast<bool>(e.cluster)}};
  if (e.server) j["restPort"] = e.server->port();
  if (e.cluster) {
    j["mode"] = e.cluster->mode() == ClusterMode::kApplication ? "application" : "session";
    j["flinkVersion"] = e.cluster->flink_version();
    j["taskManagers"] = e.cluster->taskmanager_count();
    json jobs = json::array();
    for (const auto& id : e.cluster->job_ids())
      jobs.push_back({{"id", id}, {"state", e.cluster->job_state(id)}});
    j["jobs"] = jobs;
  }
  return j;
}

json FlinkNative::List() const {
  std::vector<Key> keys;
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, _] : clusters_)
      keys.push_back(k);
  }
  json out = json::array();
  for (const auto& [ns, cid] : keys) {
    json d = Describe(ns, cid);
    if (!d.is_null()) out.push_back(d);
  }
  return out;
}

http::Response FlinkNative::Proxy(const ProxyTarget& target, http::Request& req) {
  const json& labels = target.pod_object["metadata"].value("labels", json::object());
  std::string refused =
      "error trying to reach service: dial tcp " +
      target.pod_object.value("status", json::object()).value("podIP", "10.244.0.1") + ":" +
      std::to_string(target.port) + ": connect: connection refused";
  if (labels.value("type", "") != "flink-native-kubernetes" ||
      labels.value("component", "") != "jobmanager" || target.port != 8081) {
    return StatusResponse(MakeStatus(503, "ServiceUnavailable", refused));
  }
  auto cluster = Find(target.ns, labels.value("app", ""));
  if (!cluster) return StatusResponse(MakeStatus(503, "ServiceUnavailable", refused));
  return cluster->HandleRest(req.method, target.path, req.query, req.body, req.headers);
}

std::optional<std::string> FlinkNative::PodLog(const std::string& ns, const std::string& pod_name,
                                               const std::string&) {
  auto pod = api_.Read(api_.type("/pods"), ns, pod_name);
  if (!pod) return std::nullopt;
  if (IsFlinkPod(*pod, "jobmanager")) {
    std::string cid = (*pod)["metadata"]["labels"].value("app", "");
    std::lock_guard lock(mu_);
    auto it = clusters_.find({ns, cid});
    if (it != clusters_.end() && it->second.jm_pod == pod_name && it->second.cluster)
      return it->second.cluster->Log();
    return std::string("Starting kubernetes-application as a console application on host " +
                       pod_name + ".\n");
  }
  if (IsFlinkPod(*pod, "taskmanager")) {
    return "Starting kubernetes-taskmanager as a console application on host " + pod_name + ".\n" +
           "INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - Successful registration "
           "at resource manager.\n";
  }
  return std::nullopt;
}

PodFate FlinkNative::Fate(const json& pod) {
  PodFate fate;
  if (!IsFlinkPod(pod, "jobmanager")) return fate;
  std::string ns = pod["metadata"].value("namespace", "");
  std::string cid = pod["metadata"]["labels"].value("app", "");
  auto cm = api_.Read(api_.type("/configmaps"), ns, "flink-config-" + cid);
  if (!cm) return fate;
  auto config = FlinkConfig::FromConfigMap(*cm);
  if (!config.ok()) {
    fate.crash = true;
    return fate;
  }
  std::string version = FlinkVersionFor(*config, Image(pod));
  if (ApplicationMode(*config, pod) && version.rfind("1.", 0) == 0 &&
      config->GetList("pipeline.jars").empty()) {
    fate.crash = true;  // 1.x application mode needs exactly one jar in pipeline.jars
  }
  if (version.rfind("2.", 0) == 0 && config->format() == "flink-conf.yaml") fate.crash = true;
  return fate;
}

Result<uint16_t> FlinkNative::Listen(const std::string& ns, const std::string& cid) {
  std::lock_guard lock(mu_);
  auto it = clusters_.find({ns, cid});
  if (it == clusters_.end()) return NotFound("no Flink cluster " + ns + "/" + cid);
  if (it->second.server) return it->second.server->port();
  http::ServerOptions opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  opts.threads = 1;
  auto server = http::Server::Start(opts, [this, ns, cid](http::Request& req) {
    auto cluster = Find(ns, cid);
    if (!cluster) return http::Response::Text(503, "the JobManager is not running");
    return cluster->HandleRest(req.method, req.path, req.query, req.body, req.headers);
  });
  if (!server.ok()) return server.error();
  it->second.server = std::move(server).value();
  return it->second.server->port();
}

bool FlinkNative::RestartJobManager(const std::string& ns, const std::string& cid) {
  std::string pod;
  {
    std::lock_guard lock(mu_);
    auto it = clusters_.find({ns, cid});
    if (it == clusters_.end() || it->second.jm_pod.empty()) return false;
    pod = it->second.jm_pod;
  }
  // The pod dies; its ReplicaSet starts a new one, whose JobManager recovers (HA) or
  // starts the application again.
  controllers_.KillPod(ns, pod);
  return true;
}

std::optional<std::string> FlinkNative::LoseTaskManager(const std::string& ns,
                                                        const std::string& cid) {
  for (const auto& o : api_.store().List("/pods", ns)) {
    auto app = o.labels.find("app");
    auto comp = o.labels.find("component");
    if (app != o.labels.end() && app->second == cid && comp != o.labels.end() &&
        comp->second == "taskmanager" && !o.deleting) {
      controllers_.KillPod(ns, o.name);
      return o.name;
    }
  }
  return std::nullopt;
}

}  // namespace sluice::sim
