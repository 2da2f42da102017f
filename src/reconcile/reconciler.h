// The job state machine: one level-triggered pass over one job (docs/design-notes.md,
// "Jobs: intent, status and savepoints"). Each pass reads the job and its spec version,
// observes the deployed version through the Deployer, plans one step (plan.h), stores the
// intent to act (the step with its trigger ids) in the job's status, calls the cluster
// once, and stores the result. A crash at any point leaves a status from which the next
// pass (on any replica, with no memory) continues.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "deploy/deployer.h"
#include "reconcile/pass.h"
#include "reconcile/plan.h"
#include "spec/job_spec.h"
#include "store/store.h"

namespace sluice::reconcile {

struct ReconcilerOptions {
  std::function<int64_t()> now;             // Unix ms; default NowMillis
  std::chrono::milliseconds grace{60'000};  // JobManager silent this long: the job is lost
  std::chrono::milliseconds upgrade_deadline{300'000};  // new version not RUNNING: roll back
  std::chrono::milliseconds requeue_steady{30'000};
  std::chrono::milliseconds requeue_busy{2'000};
  std::chrono::milliseconds savepoint_poll{1'000};
  // A status whose only change is observedAt is rewritten at most this often.
  std::chrono::milliseconds refresh_observed_at{60'000};
  std::string actor = "reconciler";
  // Parsed spec versions kept (versions never change); cleared when full.
  size_t spec_cache_size = 20'000;
  // Called after every deployer call, before its result is stored. Returning true ends the
  // pass there, as a crash would (tests; `call` is CallName of plan.h).
  std::function<bool(std::string_view call)> after_call;
  // Called just before every deployer call (its intent stored) and just after it (its
  // result not stored yet); `sluice serve` SIGKILLs itself here in crash tests
  // (crash_point.h). Never set in production.
  std::function<void(int64_t job_id, std::string_view call, bool after)> at_call;
};

// The deployer of a job's target for the spec of one of its versions: `sluice serve`
// resolves spec.cluster against the registered clusters; tests return a simulator-backed one.
using DeployerFor = std::function<Result<std::unique_ptr<deploy::Deployer>>(const store::Job&,
                                                                            const spec::JobSpec&)>;

class Reconciler {
 public:
  Reconciler(store::Store& store, DeployerFor deployer_for, ReconcilerOptions options = {});

  // One pass over the job. Errors are for the caller's logs and backoff; the job's status
  // already says why. A stale status (another writer) ends the pass without acting.
  Result<PassResult> Reconcile(int64_t job_id);
  ReconcileFn AsFn() {
    return [this](int64_t id) { return Reconcile(id); };
  }

 private:
  class Pass;
  Result<std::shared_ptr<const spec::JobSpec>> SpecOf(const store::Job& job, int64_t version);

  store::Store& store_;
  DeployerFor deployer_for_;
  ReconcilerOptions options_;
  std::mutex mu_;
  std::map<std::pair<int64_t, int64_t>, std::shared_ptr<const spec::JobSpec>> specs_;
};

}  // namespace sluice::reconcile
