#include "cli/serve_reconcile.h"

namespace sluice::cli {

reconcile::ReconcileFn MakeReconcileFn(const ReconcileDeps& deps) {
  // Replace with the reconciler when it is merged; `deps.clusters` is for it.
  return PlaceholderPass(deps.store);
}

reconcile::ReconcileFn PlaceholderPass(store::Store& store) {
  return [&store](int64_t job_id) -> Result<reconcile::PassResult> {
    auto job = store.GetJob(job_id);
    if (!job.ok()) {
      if (job.error().code == ErrorCode::kNotFound) return reconcile::PassResult{.forget = true};
      return std::move(job).error();
    }
    if (job->deleted_at != 0) return reconcile::PassResult{.forget = true};
    return reconcile::PassResult{.requeue_after = std::chrono::seconds(30)};
  };
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
