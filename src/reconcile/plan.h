// The pure half of the reconciler: given what the user wants (the job's intent), what the
// reconciler last wrote (JobStatus), what the cluster says now (Observation) and the job's
// savepoints, decide the one step of this pass. No I/O, no clock: everything comes in
// PlanInput, so the rules are tested from files (tests/reconcile/testdata/plan/).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "deploy/deployer.h"
#include "reconcile/status.h"
#include "spec/job_spec.h"
#include "store/records.h"

namespace sluice::reconcile {

// What the reconciler needs from the spec of the version to run.
struct Policy {
  bool session = false;  // the job shares a session cluster (its cluster never goes away)
  spec::UpgradeMode upgrade_mode = spec::UpgradeMode::kStateless;
  spec::RestoreMode restore_mode = spec::RestoreMode::kAuto;
  std::string restore_path;  // spec.restore.path
  bool ha = false;           // Flink HA: a kept cluster id resumes from its own checkpoints
  std::string savepoint_directory;
  int max_restarts = 5;  // within the window; -1: no limit
  int64_t restart_window_ms = 3'600'000;
  int64_t backoff_ms = 30'000;
  int64_t savepoint_interval_ms = 0;  // 0: no schedule
  int retain = -1;                    // scheduled savepoints to keep; -1: all
};
Result<Policy> PolicyOf(const spec::JobSpec& job);

struct Observed {
  bool ok = false;    // Observe answered
  std::string error;  // why not
  deploy::Observation o;
};

struct PlanOptions {
  int64_t grace_ms = 60'000;              // JobManager silent this long: the job is lost
  int64_t upgrade_deadline_ms = 300'000;  // a new version not RUNNING by then: roll back
  std::chrono::milliseconds requeue_steady{30'000};
  std::chrono::milliseconds requeue_busy{2'000};  // deploying, stopping, waiting
  std::chrono::milliseconds requeue_poll{1'000};  // savepoint / stop in flight
  std::string actor = "reconciler";
};

struct PlanInput {
  store::Job job;  // intent and current state
  JobStatus status;
  Policy policy;                     // of the version to run (job.spec_version)
  std::optional<Observed> observed;  // of the deployed version; none when nothing is deployed
  std::vector<store::Savepoint> savepoints;
  int64_t now = 0;
};

enum class Call { kNone, kSubmit, kTriggerSavepoint, kSuspend, kPoll, kCancel, kDelete, kDispose };
std::string_view CallName(Call c);

// One row of the job's event log, as every reconciler writes it.
struct EventSource {
  int64_t job_id = 0;
  int64_t time = 0;  // Unix ms
  std::string actor;
};
store::JobEvent MakeEvent(const EventSource& source, const std::string& type,
                          const std::string& from, const std::string& to, const std::string& reason,
                          const nlohmann::json& details = nlohmann::json::object());

struct Decision {
  std::string state;
  JobStatus status;  // written before the call, with the step it starts
  std::vector<store::JobEvent> events;
  // Rows inserted (the id goes to status.step->savepoint_id) and updated (records only,
  // no cluster call) before the status is written.
  std::optional<store::Savepoint> new_savepoint;
  std::vector<store::Savepoint> savepoint_updates;
  bool mark_deleted = false;  // after the status: the job row is marked deleted
  Call call = Call::kNone;    // after the status: the one cluster call of this pass
  std::chrono::milliseconds requeue{30'000};
  std::string summary;  // one line for logs and tests: what and why
};

Decision Plan(const PlanInput& in, const PlanOptions& options = {});

// The state of the job as the observation shows it ("" when it says nothing new).
std::string ObservedState(const Observed& observed, bool session);
// The state to restore from when nothing explicit is asked for: the newest COMPLETED
// savepoint or the newest retained checkpoint the status recorded, "" for none.
std::string LatestState(const JobStatus& status, const std::vector<store::Savepoint>& savepoints);

}  // namespace sluice::reconcile
