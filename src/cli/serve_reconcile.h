// The job lifecycle inside `sluice serve`: the reconciler's passes for the controller,
// deployers built from the registered clusters, and one watch cache per Kubernetes cluster
// whose changes wake the jobs deployed there (and serve their observations from memory),
// and a JobManager poller that wakes a job whose Flink job changed inside the JobManager
// (failed, restarted, ended: nothing Kubernetes sees).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "cli/serve_config.h"
#include "common/result.h"
#include "deploy/deployer.h"
#include "observe/jobmanager_poller.h"
#include "observe/watch_cache.h"
#include "reconcile/cluster_targets.h"
#include "reconcile/controller.h"
#include "reconcile/reconciler.h"
#include "store/store.h"

namespace sluice::cli {

class ServeReconciler {
 public:
  // `poll.period` zero: no JobManager poller (JobManager-only changes wait for the
  // job's next steady pass). Its grace is the reconciler's.
  ServeReconciler(store::Store& store, reconcile::ClusterTargets& clusters,
                  reconcile::ReconcilerOptions options = {},
                  observe::JobManagerPollerOptions poll = {});
  ~ServeReconciler();  // stops the poller and the watch caches
  ServeReconciler(const ServeReconciler&) = delete;
  ServeReconciler& operator=(const ServeReconciler&) = delete;

  // The pass the controller runs for each job.
  reconcile::ReconcileFn Fn();
  // Where watch events send the jobs they concern (the controller's Enqueue); set once the
  // controller exists, before it starts.
  void SetWaker(std::function<void(int64_t job_id)> wake);

  // The deployer of a job's target: spec.target on the registered cluster job.cluster.
  Result<std::unique_ptr<deploy::Deployer>> DeployerFor(const store::Job& job,
                                                        const spec::JobSpec& spec);

  // Watch caches started so far: one per Kubernetes cluster revision in use.
  int watch_caches_started() const { return watch_caches_started_.load(); }
  // Stops the JobManager poller: no wakes from it afterwards (before the controller stops).
  void StopPolling();
  // The poller's figures (zeros without one).
  observe::JobManagerPoller::Stats poller_stats() const;

 private:
  void Watch(const deploy::ClusterTarget& target);
  void Woken(const std::string& cluster_id);
  void Forget(int64_t job_id);
  void Wake(int64_t job_id);
  void TrackJobManager(int64_t job_id, const reconcile::JobManagerView& view);

  reconcile::ClusterTargets& clusters_;
  std::mutex watch_mu_;  // held while a watch cache starts; never while holding mu_
  std::atomic<int> watch_caches_started_{0};
  std::mutex mu_;
  std::map<const k8s::Client*, std::shared_ptr<observe::WatchCache>> caches_;
  std::map<std::string, std::set<int64_t>> jobs_by_cluster_id_;
  std::function<void(int64_t)> wake_;
  std::unique_ptr<observe::JobManagerPoller> poller_;  // wakes through wake_
  reconcile::Reconciler reconciler_;                   // last: its passes use the members above
};

// The controller options from the serve configuration.
reconcile::ControllerOptions ControllerOptionsFrom(const ServeConfig& config);

}  // namespace sluice::cli
