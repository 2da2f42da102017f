#include "cli/serve_reconcile.h"

#include "common/log.h"
#include "deploy/jobmanager.h"
#include "spec/flink_config.h"

namespace sluice::cli {

ServeReconciler::ServeReconciler(store::Store& store, reconcile::ClusterTargets& clusters,
                                 reconcile::ReconcilerOptions options,
                                 observe::JobManagerPollerOptions poll)
    : clusters_(clusters),
      poller_(poll.period.count() > 0 ? std::make_unique<observe::JobManagerPoller>(
                                            [this](int64_t job_id) { Wake(job_id); },
                                            [&] {
                                              poll.grace = options.grace;
                                              return poll;
                                            }())
                                      : nullptr),
      reconciler_(
          store,
          [this](const store::Job& job, const spec::JobSpec& spec) {
            return DeployerFor(job, spec);
          },
          std::move(options)) {}

ServeReconciler::~ServeReconciler() {
  if (poller_) poller_->Stop();
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
    if (pass.ok() && poller_) {
      if (pass->jobmanager) {
        TrackJobManager(job_id, *pass->jobmanager);
      } else {
        poller_->Untrack(job_id);
      }
    }
    return pass;
  };
}

void ServeReconciler::SetWaker(std::function<void(int64_t)> wake) {
  {
    std::lock_guard lock(mu_);
    wake_ = std::move(wake);
  }
  if (poller_) poller_->Start();
}

void ServeReconciler::StopPolling() {
  if (poller_) poller_->Stop();
}

observe::JobManagerPoller::Stats ServeReconciler::poller_stats() const {
  return poller_ ? poller_->GetStats() : observe::JobManagerPoller::Stats{};
}

void ServeReconciler::Wake(int64_t job_id) {
  std::function<void(int64_t)> wake;
  {
    std::lock_guard lock(mu_);
    wake = wake_;
  }
  if (wake) wake(job_id);
}

// The JobManager's REST endpoint as the deployers reach it (the same client, credentials
// and TLS): Kubernetes targets through the cluster's client (service proxy or URL
// template), a standalone cluster at its URL. YARN and local jobs are not polled (their
// JobManagers move with the application; their passes ask the ResourceManager first).
void ServeReconciler::TrackJobManager(int64_t job_id, const reconcile::JobManagerView& view) {
  const spec::Spec& s = view.spec->spec;
  if (!s.target) return poller_->Untrack(job_id);
  std::string service;
  switch (*s.target) {
    case spec::Target::kKubernetesApplication:
      service = view.cluster_id + "-rest";
      break;
    case spec::Target::kKubernetesSession:
      service = s.session_cluster + "-rest";
      break;
    case spec::Target::kOperator:
      service = (s.session_cluster.empty() ? view.cluster_id : s.session_cluster) + "-rest";
      break;
    case spec::Target::kRemote:
      break;
    default:
      return poller_->Untrack(job_id);
  }
  const std::string ns = s.namespace_.empty() ? "default" : s.namespace_;
  // A cluster's new revision builds a new client; its JobManagers keep the old one.
  std::string key = view.cluster + (service.empty() ? "" : " " + ns + "/" + service);
  poller_->Track(job_id, key, view.flink_job_id, view.flink_job_state, [&]() -> flink::Transport {
    auto target = clusters_.Get(view.cluster);
    if (!target.ok()) return nullptr;
    if (!service.empty() && target->kubernetes)
      return deploy::JobManagerTransport(*target->kubernetes, ns, service);
    if (service.empty() && target->cli && target->cli->remote) {
      const deploy::RemoteSettings& r = *target->cli->remote;
      return flink::UrlTransport(
          r.rest_url,
          {.tls = r.tls, .headers = r.headers, .timeout = r.timeout, .retry = {.max_attempts = 1}});
    }
    return nullptr;
  });
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
  if (poller_) poller_->Untrack(job_id);
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
