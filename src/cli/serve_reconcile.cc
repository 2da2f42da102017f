#include "cli/serve_reconcile.h"

#include "common/log.h"
#include "spec/flink_config.h"

namespace sluice::cli {

ServeReconciler::ServeReconciler(store::Store& store, reconcile::ClusterTargets& clusters,
                                 reconcile::ReconcilerOptions options)
    : clusters_(clusters),
      reconciler_(
          store,
          [this](const store::Job& job, const spec::JobSpec& spec) {
            return DeployerFor(job, spec);
          },
          std::move(options)) {}

ServeReconciler::~ServeReconciler() {
  std::map<const k8s::Client*, std::shared_ptr<observe::WatchCache>> caches;
  {
    std::lock_guard lock(mu_);
    caches.swap(caches_);
  }
  for (auto& [_, cache] : caches)
    cache->Stop();
}

reconcile::ReconcileFn ServeReconciler::Fn() {
  return [this](int64_t job_id) -> Result<reconcile::PassResult> {
    auto pass = reconciler_.Reconcile(job_id);
    if (pass.ok() && pass->forget) Forget(job_id);
    return pass;
  };
}

void ServeReconciler::SetWaker(std::function<void(int64_t)> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
}

Result<std::unique_ptr<deploy::Deployer>> ServeReconciler::DeployerFor(const store::Job& job,
                                                                       const spec::JobSpec& spec) {
  if (!spec.spec.target) {
    return Error{ErrorCode::kInvalidArgument, "the job's spec names no target", "spec.target",
                 "set spec.target (kubernetes-application, operator, yarn-application, ...)"};
  }
  const std::string& cluster = job.cluster.empty() ? spec.spec.cluster : job.cluster;
  SLUICE_ASSIGN_OR_RETURN(deploy::ClusterTarget target, clusters_.Get(cluster));
  {
    std::lock_guard lock(mu_);
    jobs_by_cluster_id_[spec::ClusterId(spec)].insert(job.id);
    if (!spec.spec.session_cluster.empty())
      jobs_by_cluster_id_[spec.spec.session_cluster].insert(job.id);
  }
  if (target.kubernetes) Watch(target);
  return deploy::NewDeployer(*spec.spec.target, std::move(target));
}

// One cache per client: ClusterTargets keeps a client per cluster revision, so a changed
// cluster gets a new client and a new cache (the old one stays until shutdown). Passes
// that need the same new cache wait for the first to start it (watch_mu_), so exactly one
// is started and installed: a second cache would have to be stopped, and Stop() joins
// watch threads that may be waiting for mu_ in Woken().
void ServeReconciler::Watch(const deploy::ClusterTarget& target) {
  const std::shared_ptr<k8s::Client>& client = target.kubernetes->client;
  {
    std::lock_guard lock(mu_);
    if (caches_.count(client.get())) return;
  }
  std::lock_guard starting(watch_mu_);
  {
    std::lock_guard lock(mu_);
    if (caches_.count(client.get())) return;
  }
  auto cache = observe::WatchCache::Start(client, {.cluster_name = target.name});
  cache->Subscribe(
      [this](const std::string&, const std::string& cluster_id) { Woken(cluster_id); });
  client->SetReadCache(cache);
  {
    std::lock_guard lock(mu_);
    caches_.emplace(client.get(), cache);
  }
  ++watch_caches_started_;
  log::Info("reconcile.watch_started").With("cluster", target.name);
}

void ServeReconciler::Woken(const std::string& cluster_id) {
  std::vector<int64_t> jobs;
  std::function<void(int64_t)> wake;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_by_cluster_id_.find(cluster_id);
    if (it == jobs_by_cluster_id_.end() || !wake_) return;
    jobs.assign(it->second.begin(), it->second.end());
    wake = wake_;
  }
  for (int64_t id : jobs)
    wake(id);
}

void ServeReconciler::Forget(int64_t job_id) {
  std::lock_guard lock(mu_);
  for (auto it = jobs_by_cluster_id_.begin(); it != jobs_by_cluster_id_.end();) {
    it->second.erase(job_id);
    it = it->second.empty() ? jobs_by_cluster_id_.erase(it) : std::next(it);
  }
}

reconcile::ControllerOptions ControllerOptionsFrom(const ServeConfig& config) {
  reconcile::ControllerOptions o;
  o.workers = config.reconcile_workers;
  o.replica_id = config.replica_id;
  o.lease_ttl = config.reconcile_lease;
  o.resync_interval = config.reconcile_resync;
  return o;
}

}  // namespace sluice::cli
