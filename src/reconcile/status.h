// The reconciler's half of a job row (store::Job::status_json), typed. Fields the
// reconciler does not know are kept as they were (another writer's additions survive).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sluice::reconcile {

// The operation in flight, stored before the cluster is called so that the next pass
// continues it (polls, waits) instead of starting a second one.
struct Step {
  std::string kind;     // savepoint, stop, teardown, deploy, dispose
  std::string purpose;  // manual, schedule, suspend, cancel, delete, upgrade, restart, rollback,
                        // deploy, resume
  std::string phase;    // trigger, poll (savepoint, stop); cancel, delete, wait-gone (teardown)
  std::string trigger_id;
  std::string flink_job_id;
  int64_t savepoint_id = 0;
  bool drain = false;
  bool wipe_ha = false;
  int64_t started_at = 0;
  // Where the step leads (teardown before a redeploy, deploy).
  int64_t target_version = 0;
  int64_t target_nonce = 0;
  std::string restore_path;
  int64_t from_version = 0;  // upgrade: the version that ran before
  int64_t from_nonce = 0;

  bool operator==(const Step&) const = default;
};

// An upgrade whose new version has not run yet: what to roll back to.
struct Upgrade {
  int64_t from_version = 0;
  int64_t from_nonce = 0;
  std::string state_path;  // the state taken at the upgrade ("" = HA / empty)
  int64_t started_at = 0;
  bool rollback = false;  // this deployment is itself the rollback
  bool operator==(const Upgrade&) const = default;
};

struct JobStatus {
  std::string reason;
  std::string web_url;
  std::string cluster_id;
  std::string flink_job_id;
  std::string flink_job_state;
  bool deployed = false;  // a cluster of deployed_version is supposed to exist
  int64_t deployed_version = 0;
  int64_t deployed_restart_nonce = 0;
  std::string deployed_restore_path;
  int64_t deployed_generation = 0;  // counts deployments; part of the derived Flink job id
  int64_t observed_revision = 0;
  int restarts = 0;  // Flink's restart count, when the JobManager reports it
  std::string last_exception;
  std::string last_savepoint;
  std::string last_checkpoint;
  int64_t last_checkpoint_time = 0;
  std::optional<Step> step;
  int64_t observed_at = 0;

  // Bookkeeping of the state machine.
  std::vector<int64_t> restart_times;  // Sluice's restarts of a FAILED job
  int64_t failed_at = 0;
  bool gave_up = false;  // restart limit reached
  int64_t unanswered_since = 0;
  int64_t running_since = 0;
  std::string consumed_restore_path;  // the intent's restore_path already used
  std::optional<Upgrade> upgrade;
  int64_t failed_version = 0;  // rolled back from: not retried until the intent changes
  int64_t failed_nonce = 0;
  std::string deploying_as;  // DEPLOYING, UPGRADING, RESTARTING: the state while it starts

  nlohmann::json unknown = nlohmann::json::object();

  static JobStatus Parse(const std::string& status_json);
  nlohmann::json ToJson() const;
  std::string Dump() const { return ToJson().dump(); }
  bool operator==(const JobStatus&) const = default;
};

nlohmann::json StepToJson(const Step& s);
Step StepFromJson(const nlohmann::json& j);

}  // namespace sluice::reconcile
