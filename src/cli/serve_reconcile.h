// The job controller inside `sluice serve`: which ReconcileFn it runs, and starting it.
#pragma once

#include <memory>

#include "api/cluster_service.h"
#include "cli/serve_config.h"
#include "common/result.h"
#include "reconcile/cluster_targets.h"
#include "reconcile/controller.h"
#include "store/store.h"

namespace sluice::cli {

// What the controller needs from the rest of the server.
struct ReconcileDeps {
  store::Store& store;
  reconcile::ClusterTargets& clusters;  // registered cluster -> deploy target
};

// THE SEAM for the reconciler (issue 8): the pass the controller runs for each job.
// Today it returns PlaceholderPass; once reconcile::Reconciler exists it builds one from
// `deps` and returns [&r](int64_t id) { return r.Reconcile(id); } (see README).
reconcile::ReconcileFn MakeReconcileFn(const ReconcileDeps& deps);

// NOT the reconciler: reads the job, lets the controller forget deleted ones and looks
// again later. It keeps leases, queue and metrics exercised until the reconciler lands;
// it never changes a job or a cluster.
reconcile::ReconcileFn PlaceholderPass(store::Store& store);

// The controller options from the serve configuration.
reconcile::ControllerOptions ControllerOptionsFrom(const ServeConfig& config);

}  // namespace sluice::cli
