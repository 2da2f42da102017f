// The reconcile metrics on /metrics (common/metrics.h's default registry).
#pragma once

#include <string>

#include "common/metrics.h"

namespace sluice::reconcile {

struct ReconcileMetrics {
  metrics::Family<metrics::Counter>& passes;  // {result}: ok, error, forget
  metrics::HistogramFamily& pass_seconds;
  metrics::Family<metrics::Gauge>& queue_depth;  // due and waiting for a worker
  metrics::Family<metrics::Gauge>& jobs;         // tracked by this replica's controller
  metrics::Family<metrics::Gauge>& leases_held;
  metrics::Family<metrics::Counter>& lease_changes;  // {event}: acquired, lost, released
  metrics::Family<metrics::Counter>& transitions;    // {from, to}
};

ReconcileMetrics& Metrics();

// Counts a job state transition in sluice_job_transitions_total{from,to}. The reconciler
// calls it for every transition it writes with UpdateJobStatus (after the write succeeded).
void RecordTransition(const std::string& from, const std::string& to);

}  // namespace sluice::reconcile
