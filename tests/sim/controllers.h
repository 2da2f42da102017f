// What kube-controller-manager and the kubelet would do, for the simulator: the
// Deployment and ReplicaSet controllers (owner chain Deployment → ReplicaSet → Pod) and a
// kubelet that schedules pods on one node, mounts their ConfigMaps, pulls images (or
// fails to: ErrImagePull, ImagePullBackOff) and runs them. All work runs on the shared
// scheduler; nothing here has a thread.
#pragma once

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "sim/api.h"
#include "sim/settings.h"

namespace sluice::sim {

// How a pod's main container behaves once it runs (the Flink layer decides for its pods).
struct PodFate {
  bool crash = false;  // exits right after start: CrashLoopBackOff
  int exit_code = 1;
};

class Controllers {
 public:
  Controllers(Api& api, Scheduler& scheduler, Settings& settings);

  void SetPodFate(std::function<PodFate(const nlohmann::json& pod)> fate) {
    fate_ = std::move(fate);
  }
  // Called on the scheduler thread after a pod's status changed.
  void SetPodListener(std::function<void(const std::string& ns, const std::string& name)> l) {
    pod_listener_ = std::move(l);
  }
  // Kills a pod's container as a node failure would (the pod is deleted).
  void KillPod(const std::string& ns, const std::string& name);

  static std::string PodTemplateHash(const nlohmann::json& tmpl);

 private:
  void OnEvent(const Event& ev);
  void Enqueue(const std::string& kind, const std::string& ns, const std::string& name,
               std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  void SyncDeployment(const std::string& ns, const std::string& name);
  void SyncReplicaSet(const std::string& ns, const std::string& name);
  void SyncPod(const std::string& ns, const std::string& name);
  void StartPod(const std::string& ns, const std::string& name, const std::string& uid);

  Api& api_;
  Scheduler& scheduler_;
  Settings& settings_;
  std::mutex mu_;
  std::set<std::string> queued_;
  std::function<PodFate(const nlohmann::json&)> fate_;
  std::function<void(const std::string&, const std::string&)> pod_listener_;
  uint32_t next_ip_ = 2;
};

}  // namespace sluice::sim
