#include "sim/controllers.h"

#include "common/ids.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

std::string SafeEncode(const std::string& s) {
  static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (char c : s)
    out += alphabet[static_cast<unsigned char>(c) % 27];
  return out;
}

json OwnerRefTo(const json& owner) {
  return {{"apiVersion", owner.value("apiVersion", "")},
          {"kind", owner.value("kind", "")},
          {"name", owner["metadata"].value("name", "")},
          {"uid", owner["metadata"].value("uid", "")},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

bool ControlledBy(const json& obj, const std::string& uid) {
  for (const auto& r : obj["metadata"].value("ownerReferences", json::array())) {
    if (r.value("uid", "") == uid && r.value("controller", false)) return true;
  }
  return false;
}

bool PodReady(const json& pod) {
  for (const auto& c : pod.value("status", json::object()).value("conditions", json::array())) {
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

json Condition(const std::string& type, const std::string& status, const std::string& reason,
               const std::string& message, const std::string& now) {
  json c = {{"type", type}, {"status", status}, {"lastTransitionTime", now}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  return c;
}

// Keeps lastTransitionTime when a condition's status did not change.
void SetCondition(json& status, json cond, bool with_update_time = false) {
  json& conds = status["conditions"];
  if (!conds.is_array()) conds = json::array();
  std::string now = cond["lastTransitionTime"];
  if (with_update_time) cond["lastUpdateTime"] = now;
  for (auto& c : conds) {
    if (c.value("type", "") == cond["type"]) {
      if (c.value("status", "") == cond["status"]) {
        cond["lastTransitionTime"] = c.value("lastTransitionTime", now);
        if (with_update_time && c.value("reason", "") == cond.value("reason", "")) {
          cond["lastUpdateTime"] = c.value("lastUpdateTime", now);
        }
      }
      c = cond;
      return;
    }
  }
  conds.push_back(cond);
}

void RemoveCondition(json& status, const std::string& type) {
  if (!status.contains("conditions")) return;
  json kept = json::array();
  for (const auto& c : status["conditions"]) {
    if (c.value("type", "") != type) kept.push_back(c);
  }
  status["conditions"] = kept;
}

}  // namespace

std::string Controllers::PodTemplateHash(const json& tmpl) {
  uint32_t h = 2166136261u;
  for (unsigned char c : tmpl.dump()) {
    h ^= c;
    h *= 16777619u;
  }
  return SafeEncode(std::to_string(h));
}

Controllers::Controllers(Api& api, Scheduler& scheduler, Settings& settings)
    : api_(api), scheduler_(scheduler), settings_(settings) {
  api_.store().AddListener([this](const Event& ev) { OnEvent(ev); });
}

void Controllers::OnEvent(const Event& ev) {
  if (ev.type_key == "apps/deployments") {
    Enqueue("deploy", ev.ns, ev.name);
  } else if (ev.type_key == "apps/replicasets") {
    Enqueue("rs", ev.ns, ev.name);
    for (const auto& o : ev.owners) {
      if (o.kind == "Deployment") Enqueue("deploy", ev.ns, o.name);
    }
  } else if (ev.type_key == "/pods") {
    if (ev.type != "DELETED") Enqueue("pod", ev.ns, ev.name);
    for (const auto& o : ev.owners) {
      if (o.kind == "ReplicaSet") Enqueue("rs", ev.ns, o.name);
    }
  }
}

void Controllers::Enqueue(const std::string& kind, const std::string& ns, const std::string& name,
                          std::chrono::milliseconds delay) {
  std::string key = kind + "/" + ns + "/" + name + (delay.count() ? "@later" : "");
  {
    std::lock_guard lock(mu_);
    if (!queued_.insert(key).second) return;
  }
  scheduler_.After(delay, [this, kind, ns, name, key] {
    {
      std::lock_guard lock(mu_);
      queued_.erase(key);
    }
    if (kind == "deploy")
      SyncDeployment(ns, name);
    else if (kind == "rs")
      SyncReplicaSet(ns, name);
    else if (kind == "pod")
      SyncPod(ns, name);
  });
}

void Controllers::SyncDeployment(const std::string& ns, const std::string& name) {
  const auto& dt = api_.type("apps/deployments");
  const auto& rst = api_.type("apps/replicasets");
  auto d = api_.Read(dt, ns, name);
  if (!d || (*d)["metadata"].contains("deletionTimestamp")) return;
  const json& spec = (*d)["spec"];
  std::string uid = (*d)["metadata"]["uid"];
  json tmpl = spec.value("template", json::object());
  std::string hash = PodTemplateHash(tmpl);
  std::string rs_name = name + "-" + hash;
  int64_t desired = spec.value("replicas", 1);
  // The owner index finds this Deployment's ReplicaSets without reading the namespace.
  std::vector<json> owned;
  for (const auto& o : api_.store().Dependents(uid)) {
    if (o.type_key != rst.key()) continue;
    json rs = o.Json();
    if (ControlledBy(rs, uid)) owned.push_back(rs);
  }
  json current;
  int revision = 0;
  for (const auto& rs : owned) {
    revision = std::max(revision, std::atoi(rs["metadata"]
                                                .value("annotations", json::object())
                                                .value("deployment.kubernetes.io/revision", "0")
                                                .c_str()));
    if (rs["metadata"].value("name", "") == rs_name) current = rs;
  }
  std::string now = NowRfc3339();
  if (current.is_null()) {
    json labels = tmpl.value("metadata", json::object()).value("labels", json::object());
    labels["pod-template-hash"] = hash;
    json sel = spec.value("selector", json::object());
    sel["matchLabels"]["pod-template-hash"] = hash;
    json t2 = tmpl;
    t2["metadata"]["labels"] = labels;
    json rs = {{"apiVersion", "apps/v1"},
               {"kind", "ReplicaSet"},
               {"metadata",
                {{"name", rs_name},
                 {"namespace", ns},
                 {"labels", labels},
                 {"annotations",
                  {{"deployment.kubernetes.io/desired-replicas", std::to_string(desired)},
                   {"deployment.kubernetes.io/max-replicas", std::to_string(desired + 1)},
                   {"deployment.kubernetes.io/revision", std::to_string(revision + 1)}}},
                 {"ownerReferences", {OwnerRefTo(*d)}}}},
               {"spec", {{"replicas", desired}, {"selector", sel}, {"template", t2}}}};
    auto created = api_.Create(Caller::System(), rst, ns, rs);
    if (created.ok()) {
      current = created.value();
      api_.RecordEvent(*d, "Normal", "ScalingReplicaSet",
                       "Scaled up replica set " + rs_name + " from 0 to " + std::to_string(desired),
                       "deployment-controller");
    }
  } else if (current["spec"].value("replicas", 0) != desired) {
    int64_t before = current["spec"].value("replicas", 0);
    api_.Mutate(rst, ns, rs_name, [&](json& rs) {
      rs["spec"]["replicas"] = desired;
      rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
          std::to_string(desired);
      return true;
    });
    api_.RecordEvent(*d, "Normal", "ScalingReplicaSet",
                     std::string(desired > before ? "Scaled up" : "Scaled down") + " replica set " +
                         rs_name + " from " + std::to_string(before) + " to " +
                         std::to_string(desired),
                     "deployment-controller");
  }
  // Old replica sets scale to zero (the simulator rolls out as Recreate would).
  for (const auto& rs : owned) {
    std::string n = rs["metadata"].value("name", "");
    if (n == rs_name || rs["spec"].value("replicas", 0) == 0) continue;
    api_.Mutate(rst, ns, n, [&](json& o) {
      o["spec"]["replicas"] = 0;
      return true;
    });
  }
  int64_t replicas = 0, ready = 0, updated = 0;
  bool failure = false;
  std::string failure_msg;
  for (const auto& o : api_.store().Dependents(uid)) {
    if (o.type_key != rst.key()) continue;
    json rs = o.Json();
    if (!ControlledBy(rs, uid)) continue;
    const json& st = rs.value("status", json::object());
    replicas += st.value("replicas", 0);
    ready += st.value("readyReplicas", 0);
    if (rs["metadata"].value("name", "") == rs_name) {
      updated = st.value("replicas", 0);
      for (const auto& c : st.value("conditions", json::array())) {
        if (c.value("type", "") == "ReplicaFailure" && c.value("status", "") == "True") {
          failure = true;
          failure_msg = c.value("message", "");
        }
      }
    }
  }
  api_.Mutate(dt, ns, name, [&](json& obj) {
    json before = obj.value("status", json::object());
    json st = before;
    st["observedGeneration"] = obj["metadata"].value("generation", 1);
    st["replicas"] = replicas;
    st["updatedReplicas"] = updated;
    st["readyReplicas"] = ready;
    st["availableReplicas"] = ready;
    if (replicas - ready > 0)
      st["unavailableReplicas"] = replicas - ready;
    else
      st.erase("unavailableReplicas");
    if (ready == 0) st.erase("readyReplicas");
    if (ready == 0) st.erase("availableReplicas");
    if (updated == 0) st.erase("updatedReplicas");
    if (replicas == 0) st.erase("replicas");
    bool available = ready >= desired;
    SetCondition(st,
                 Condition("Available", available ? "True" : "False",
                           available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                           available ? "Deployment has minimum availability."
                                     : "Deployment does not have minimum availability.",
                           now),
                 true);
    if (failure) {
      SetCondition(st, Condition("ReplicaFailure", "True", "FailedCreate", failure_msg, now), true);
    } else {
      RemoveCondition(st, "ReplicaFailure");
    }
    bool done = available && updated == desired;
    SetCondition(
        st,
        Condition("Progressing", "True", done ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                  done ? "ReplicaSet \"" + rs_name + "\" has successfully progressed."
                       : "ReplicaSet \"" + rs_name + "\" is progressing.",
                  now),
        true);
    if (st == before) return false;
    obj["status"] = st;
    return true;
  });
}

void Controllers::SyncReplicaSet(const std::string& ns, const std::string& name) {
  const auto& rst = api_.type("apps/replicasets");
  const auto& pt = api_.type("/pods");
  auto rs = api_.Read(rst, ns, name);
  if (!rs || (*rs)["metadata"].contains("deletionTimestamp")) return;
  std::string uid = (*rs)["metadata"]["uid"];
  int64_t desired = (*rs)["spec"].value("replicas", 1);
  std::vector<json> pods;
  for (const auto& o : api_.store().Dependents(uid)) {
    if (o.type_key != "/pods" || o.deleting) continue;
    json p = o.Json();
    if (ControlledBy(p, uid)) pods.push_back(p);
  }
  std::string failure;
  std::string now = NowRfc3339();
  while (static_cast<int64_t>(pods.size()) < desired) {
    json tmpl = (*rs)["spec"].value("template", json::object());
    json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", tmpl.value("metadata", json::object())},
                {"spec", tmpl.value("spec", json::object())}};
    // As the ReplicaSet controller does: the API server names the pod.
    pod["metadata"].erase("name");
    pod["metadata"]["generateName"] = name + "-";
    pod["metadata"]["namespace"] = ns;
    pod["metadata"]["ownerReferences"] = {OwnerRefTo(*rs)};
    auto created = api_.Create(Caller::System(), pt, ns, pod);
    if (!created.ok()) {
      failure = created.status().message;
      api_.RecordEvent(*rs, "Warning", "FailedCreate", "Error creating: " + failure,
                       "replicaset-controller");
      Enqueue("rs", ns, name, std::chrono::milliseconds(1000));
      break;
    }
    api_.RecordEvent(*rs, "Normal", "SuccessfulCreate",
                     "Created pod: " + created.value()["metadata"].value("name", ""),
                     "replicaset-controller");
    pods.push_back(created.value());
  }
  while (static_cast<int64_t>(pods.size()) > desired) {
    json victim = pods.back();
    pods.pop_back();
    std::string pn = victim["metadata"].value("name", "");
    api_.Delete(Caller::System(), pt, ns, pn);
    api_.RecordEvent(*rs, "Normal", "SuccessfulDelete", "Deleted pod: " + pn,
                     "replicaset-controller");
  }
  int64_t ready = 0;
  for (const auto& p : pods) {
    if (PodReady(p)) ++ready;
  }
  int64_t count = static_cast<int64_t>(pods.size());
  api_.Mutate(rst, ns, name, [&](json& obj) {
    json before = obj.value("status", json::object());
    json st = before;
    st["replicas"] = count;
    st["fullyLabeledReplicas"] = count;
    st["readyReplicas"] = ready;
    st["availableReplicas"] = ready;
    st["observedGeneration"] = obj["metadata"].value("generation", 1);
    if (ready == 0) {
      st.erase("readyReplicas");
      st.erase("availableReplicas");
    }
    if (count == 0) st.erase("fullyLabeledReplicas");
    if (!failure.empty()) {
      SetCondition(st, Condition("ReplicaFailure", "True", "FailedCreate", failure, now));
    } else if (count >= desired) {
      RemoveCondition(st, "ReplicaFailure");
      if (st["conditions"].empty()) st.erase("conditions");
    }
    if (st == before) return false;
    obj["status"] = st;
    return true;
  });
}

void Controllers::SyncPod(const std::string& ns, const std::string& name) {
  const auto& pt = api_.type("/pods");
  auto pod = api_.Read(pt, ns, name);
  if (!pod) return;
  if ((*pod)["metadata"].contains("deletionTimestamp")) {
    // Containers stop at once; the pod goes when its finalizers are done.
    if ((*pod)["metadata"].value("finalizers", json::array()).empty())
      api_.store().Remove(pt.key(), ns, name);
    return;
  }
  if (!(*pod)["spec"].contains("nodeName")) {
    std::string uid = (*pod)["metadata"]["uid"];
    std::string now = NowRfc3339();
    api_.Mutate(pt, ns, name, [&](json& p) {
      p["spec"]["nodeName"] = "sim-node-1";
      p["status"]["phase"] = "Pending";
      SetCondition(p["status"], Condition("PodScheduled", "True", "", "", now));
      return true;
    });
    api_.RecordEvent(*pod, "Normal", "Scheduled",
                     "Successfully assigned " + ns + "/" + name + " to sim-node-1",
                     "default-scheduler");
    scheduler_.After(settings_.timings().startup_delay,
                     [this, ns, name, uid] { StartPod(ns, name, uid); });
  }
}

void Controllers::StartPod(const std::string& ns, const std::string& name, const std::string& uid) {
  const auto& pt = api_.type("/pods");
  auto pod = api_.Read(pt, ns, name);
  if (!pod || (*pod)["metadata"].value("uid", "") != uid ||
      (*pod)["metadata"].contains("deletionTimestamp"))
    return;
  std::string now = NowRfc3339();
  auto delay = settings_.timings().startup_delay;
  // Volumes first: a missing ConfigMap keeps the pod in ContainerCreating.
  for (const auto& v : (*pod)["spec"].value("volumes", json::array())) {
    if (!v.contains("configMap")) continue;
    std::string cm = v["configMap"].value("name", "");
    if (v["configMap"].value("optional", false)) continue;
    if (!api_.store().Get("/configmaps", ns, cm)) {
      api_.RecordEvent(*pod, "Warning", "FailedMount",
                       "MountVolume.SetUp failed for volume \"" + v.value("name", "") +
                           "\" : configmap \"" + cm + "\" not found",
                       "kubelet");
      api_.Mutate(pt, ns, name, [&](json& p) {
        json statuses = json::array();
        for (const auto& c : p["spec"].value("containers", json::array())) {
          statuses.push_back({{"name", c.value("name", "")},
                              {"image", c.value("image", "")},
                              {"imageID", ""},
                              {"ready", false},
                              {"restartCount", 0},
                              {"started", false},
                              {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}});
        }
        if (p["status"].value("containerStatuses", json()) == statuses) return false;
        p["status"]["containerStatuses"] = statuses;
        return true;
      });
      scheduler_.After(std::max(delay, std::chrono::milliseconds(200)),
                       [this, ns, name, uid] { StartPod(ns, name, uid); });
      return;
    }
  }
  std::string bad_image;
  for (const auto& c : (*pod)["spec"].value("containers", json::array())) {
    if (!settings_.ImagePulls(c.value("image", ""))) bad_image = c.value("image", "");
  }
  if (!bad_image.empty()) {
    bool first = true;
    api_.Mutate(pt, ns, name, [&](json& p) {
      json statuses = json::array();
      for (const auto& c : p["spec"].value("containers", json::array())) {
        bool bad = !settings_.ImagePulls(c.value("image", ""));
        std::string prior;
        for (const auto& cs : p["status"].value("containerStatuses", json::array())) {
          if (cs.value("name", "") == c.value("name", ""))
            prior = cs.value("state", json::object())
                        .value("waiting", json::object())
                        .value("reason", "");
        }
        first = prior != "ErrImagePull" && prior != "ImagePullBackOff";
        std::string reason =
            bad ? (first ? "ErrImagePull" : "ImagePullBackOff") : "ContainerCreating";
        std::string message =
            bad ? (first ? "failed to pull and unpack image \"" + c.value("image", "") +
                               "\": failed to resolve reference \"" + c.value("image", "") +
                               "\": not found"
                         : "Back-off pulling image \"" + c.value("image", "") + "\"")
                : "";
        json waiting = {{"reason", reason}};
        if (!message.empty()) waiting["message"] = message;
        statuses.push_back({{"name", c.value("name", "")},
                            {"image", c.value("image", "")},
                            {"imageID", ""},
                            {"ready", false},
                            {"restartCount", 0},
                            {"started", false},
                            {"state", {{"waiting", waiting}}}});
      }
      p["status"]["containerStatuses"] = statuses;
      p["status"]["phase"] = "Pending";
      p["status"]["hostIP"] = "10.0.0.10";
      SetCondition(p["status"], Condition("Ready", "False", "ContainersNotReady",
                                          "containers with unready status: [" +
                                              (p["spec"]["containers"].empty()
                                                   ? std::string()
                                                   : p["spec"]["containers"][0].value("name", "")) +
                                              "]",
                                          now));
      return true;
    });
    api_.RecordEvent(*pod, "Normal", "Pulling", "Pulling image \"" + bad_image + "\"", "kubelet");
    api_.RecordEvent(
        *pod, "Warning", first ? "Failed" : "BackOff",
        first ? "Failed to pull image \"" + bad_image +
                    "\": rpc error: code = NotFound desc = failed to pull and unpack image \"" +
                    bad_image + "\": not found"
              : "Back-off pulling image \"" + bad_image + "\"",
        "kubelet");
    // Keep retrying like the kubelet's back-off (ErrImagePull → ImagePullBackOff); an
    // image registered later makes the pod start.
    scheduler_.After(std::max(delay, std::chrono::milliseconds(500)),
                     [this, ns, name, uid] { StartPod(ns, name, uid); });
    return;
  }
  PodFate fate;
  if (fate_) fate = fate_(*pod);
  uint32_t ip_n;
  {
    std::lock_guard lock(mu_);
    ip_n = next_ip_++;
  }
  std::string ip =
      "10.244." + std::to_string((ip_n >> 8) & 0xFF) + "." + std::to_string(ip_n & 0xFF);
  api_.Mutate(pt, ns, name, [&](json& p) {
    json& st = p["status"];
    bool crash = fate.crash;
    int restarts = 0;
    for (const auto& cs : st.value("containerStatuses", json::array()))
      restarts = std::max(restarts, cs.value("restartCount", 0));
    json statuses = json::array();
    for (const auto& c : p["spec"].value("containers", json::array())) {
      json cs = {
          {"name", c.value("name", "")},
          {"image", c.value("image", "")},
          {"imageID", "docker.io/library/" + c.value("image", "") + "@sha256:" + RandomHex(32)},
          {"containerID", "containerd://" + RandomHex(32)},
          {"restartCount", restarts}};
      if (crash) {
        cs["ready"] = false;
        cs["started"] = false;
        cs["restartCount"] = restarts + 1;
        cs["state"] = {{"waiting",
                        {{"reason", "CrashLoopBackOff"},
                         {"message", "back-off restarting failed container " + c.value("name", "") +
                                         " in pod " + name + "_" + ns + "(" + uid + ")"}}}};
        cs["lastState"] = {{"terminated",
                            {{"exitCode", fate.exit_code},
                             {"reason", "Error"},
                             {"startedAt", now},
                             {"finishedAt", now},
                             {"containerID", cs["containerID"]}}}};
      } else {
        cs["ready"] = true;
        cs["started"] = true;
        cs["state"] = {{"running", {{"startedAt", now}}}};
      }
      statuses.push_back(cs);
    }
    st["containerStatuses"] = statuses;
    st["phase"] = crash ? (restarts == 0 ? "Running" : st.value("phase", "Running")) : "Running";
    st["hostIP"] = "10.0.0.10";
    st["hostIPs"] = {{{"ip", "10.0.0.10"}}};
    if (!st.contains("podIP")) {
      st["podIP"] = ip;
      st["podIPs"] = {{{"ip", ip}}};
    }
    if (!st.contains("startTime")) st["startTime"] = now;
    std::string ready = crash ? "False" : "True";
    SetCondition(st, Condition("PodReadyToStartContainers", "True", "", "", now));
    SetCondition(st, Condition("Initialized", "True", "", "", now));
    SetCondition(st, Condition("Ready", ready, crash ? "ContainersNotReady" : "", "", now));
    SetCondition(st,
                 Condition("ContainersReady", ready, crash ? "ContainersNotReady" : "", "", now));
    SetCondition(st, Condition("PodScheduled", "True", "", "", now));
    return true;
  });
  std::string image = (*pod)["spec"]["containers"].empty()
                          ? ""
                          : (*pod)["spec"]["containers"][0].value("image", "");
  api_.RecordEvent(*pod, "Normal", "Pulled",
                   "Container image \"" + image + "\" already present on machine", "kubelet");
  api_.RecordEvent(*pod, "Normal", "Started", "Started container", "kubelet");
  if (fate.crash) {
    api_.RecordEvent(*pod, "Warning", "BackOff", "Back-off restarting failed container", "kubelet");
    scheduler_.After(std::max(delay * 2, std::chrono::milliseconds(500)),
                     [this, ns, name, uid] { StartPod(ns, name, uid); });
  }
  if (pod_listener_) pod_listener_(ns, name);
}

void Controllers::KillPod(const std::string& ns, const std::string& name) {
  api_.Delete(Caller::System(), api_.type("/pods"), ns, name);
}

}  // namespace sluice::sim
