// The seam between the reconciler (one pass over one job) and the controller that decides
// when passes run, on which replica (leases), and with how many workers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace sluice::spec {
struct JobSpec;
}

namespace sluice::reconcile {

// A job running on a JobManager as the pass left it, for a poller that watches the
// JobManager between passes (observe/jobmanager_poller.h): set when a deployed cluster
// runs the job's Flink job in a state that is not terminal.
struct JobManagerView {
  std::string cluster;                        // the registered cluster (job or spec)
  std::shared_ptr<const spec::JobSpec> spec;  // the deployed version's
  std::string cluster_id;                     // Flink's cluster id
  std::string flink_job_id;
  std::string flink_job_state;
};

struct PassResult {
  // Look at the job again after this long at the latest; sooner when something changes
  // (an intent written by the API, a watch event of the job's cluster).
  std::chrono::milliseconds requeue_after{10'000};
  bool forget = false;  // the job is gone (deleted): stop tracking it
  std::optional<JobManagerView> jobmanager;
};

// One level-triggered pass: read the job, observe, take at most one step, write the status.
// Errors are for the controller's logs and backoff; the job's status already says why.
using ReconcileFn = std::function<Result<PassResult>(int64_t job_id)>;

}  // namespace sluice::reconcile
