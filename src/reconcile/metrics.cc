#include "reconcile/metrics.h"

namespace sluice::reconcile {

ReconcileMetrics& Metrics() {
  static ReconcileMetrics m = [] {
    auto& r = metrics::Registry::Default();
    return ReconcileMetrics{
        r.AddCounter("sluice_reconcile_passes_total", "Reconcile passes by result", {"result"}),
        r.AddHistogram("sluice_reconcile_pass_seconds", "Duration of one reconcile pass", {}),
        r.AddGauge("sluice_reconcile_queue_depth", "Jobs due and waiting for a worker"),
        r.AddGauge("sluice_reconcile_jobs", "Jobs tracked by this replica's controller"),
        r.AddGauge("sluice_reconcile_leases_held", "Job leases this replica holds"),
        r.AddCounter("sluice_reconcile_lease_changes_total",
                     "Job leases acquired, lost and released by this replica", {"event"}),
        r.AddCounter("sluice_job_transitions_total", "Job state transitions", {"from", "to"}),
    };
  }();
  return m;
}

void RecordTransition(const std::string& from, const std::string& to) {
  Metrics().transitions.With({from, to}).Inc();
}

}  // namespace sluice::reconcile
