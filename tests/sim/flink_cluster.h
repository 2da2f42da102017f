// One simulated Flink JobManager: its jobs and their state machine (INITIALIZING,
// CREATED, RUNNING, FAILING, RESTARTING, FAILED, CANCELLING, CANCELED, FINISHED),
// TaskManagers and slots, checkpoints that advance with time, asynchronous savepoints,
// stop-with-savepoint, cancel, jar upload/run in session mode, and the REST API
// (reference/flink-rest) that answers for all of it. Time-driven state is computed when
// read, and the few timers a cluster needs run on the shared scheduler.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.h"
#include "sim/flink_config.h"
#include "sim/scheduler.h"
#include "sim/settings.h"

namespace sluice::sim {

enum class ClusterMode { kApplication, kSession };

// What a cluster asks of the platform it runs on (Kubernetes, YARN, standalone).
struct ClusterBackend {
  // Start `count` more TaskManagers; an error text goes to the JobManager log as the
  // reason none came (the cluster then waits and its job restarts on the slot timeout).
  std::function<std::optional<std::string>(int count)> request_taskmanagers;
  // The application finished and the cluster shuts itself down.
  std::function<void()> shutdown;
  // With HA: a job reached a globally terminal state; Flink removes its HA entries.
  std::function<void(const std::string& job_id)> job_terminal;
};

// Savepoints the simulated file systems hold: restoring from a path finds its
// checkpoint id. Shared by every cluster of a simulator.
class SavepointRegistry {
 public:
  void Add(const std::string& path, int64_t checkpoint_id, const std::string& job_id);
  std::optional<int64_t> Find(const std::string& path) const;
  void Dispose(const std::string& path);
  nlohmann::json List() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::pair<int64_t, std::string>> paths_;
};

struct JobSubmission {
  std::string job_id;  // "" = new random id
  std::string name;
  std::string entry_class;
  std::string jar;
  std::vector<std::string> args;
  int parallelism = 0;  // 0 = parallelism.default
  std::string restore_path;
  bool allow_non_restored = false;
  std::map<std::string, std::string> config;  // job-level configuration
};

class FlinkCluster : public std::enable_shared_from_this<FlinkCluster> {
 public:
  FlinkCluster(std::string cluster_id, std::string ns, ClusterMode mode, FlinkConfig config,
               std::string flink_version, Scheduler& scheduler, Settings& settings,
               SavepointRegistry& savepoints, ClusterBackend backend);

  const std::string& id() const { return id_; }
  const std::string& ns() const { return ns_; }
  ClusterMode mode() const { return mode_; }
  std::string flink_version() const { return version_; }

  // Starts the JobManager; application mode submits its job. `recovered_job` carries the
  // job id and latest checkpoint of a previous JobManager attempt (HA).
  struct Recovery {
    std::string job_id;
    std::string checkpoint_path;
    int64_t checkpoint_id = 0;
  };
  void Start(std::optional<Recovery> recovered = std::nullopt);
  // Submits a job (session mode, or the application's own); returns the job id.
  std::string Submit(const JobSubmission& job);

  void TaskManagerRegistered(const std::string& tm_id, int slots);
  void TaskManagerLost(const std::string& tm_id);
  int taskmanager_count() const;
  int slots_per_taskmanager() const;

  // Faults.
  bool FailJob(const std::string& job_id, const std::string& exception);
  void FailNextCheckpoints(int n);
  void FailNextSavepoints(int n);
  void Stop();  // the JobManager process goes away

  // The last HA state: job id and latest completed checkpoint.
  std::optional<Recovery> LatestRecovery() const;
  std::vector<std::string> job_ids() const;
  std::string job_state(const std::string& job_id) const;
  bool ha_enabled() const;

  http::Response HandleRest(const std::string& method, const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& query,
                            const std::string& body, const http::Headers& headers);
  std::string Log() const;
  void AppendLog(const std::string& level, const std::string& logger, const std::string& message);

 private:
  struct Checkpoint {
    int64_t id = 0;
    std::string status;  // COMPLETED, FAILED, IN_PROGRESS
    int64_t trigger_ts = 0;
    int64_t end_ts = 0;
    bool savepoint = false;
    std::string path;
    std::string failure;
  };
  struct Operation {
    std::string kind;  // savepoint, stop, checkpoint, disposal
    std::string status = "IN_PROGRESS";
    int64_t done_at = 0;
    bool fail = false;
    std::string location;
    std::string failure;
    bool cancel_job = false;
    bool drain = false;
    int64_t checkpoint_id = 0;
    std::string job_id;
  };
  struct Job {
    std::string id, name, state;
    int parallelism = 1;
    int64_t start_time = 0, end_time = -1;
    std::map<std::string, int64_t> timestamps;
    JobSubmission submission;
    int64_t running_since = 0;
    int64_t interval_ms = 0;
    int64_t next_checkpoint_due = 0;
    int64_t next_checkpoint_id = 1;
    int64_t completed = 0, failed = 0;
    std::vector<Checkpoint> history;
    std::optional<Checkpoint> latest_completed, latest_failed, latest_savepoint;
    std::optional<Checkpoint> restored;
    int64_t restore_ts = 0;
    std::vector<nlohmann::json> exceptions;
    int restarts = 0;
    int64_t slot_deadline = 0;
    std::string vertex_source, vertex_sink;
  };

  void Transition(Job& job, const std::string& state);
  void Advance(int64_t now);
  void AdvanceJob(Job& job, int64_t now);
  void Schedule(std::chrono::milliseconds delay, std::function<void(FlinkCluster&)> fn);
  void TryRun(Job& job);
  void RequestResources(Job& job);
  void FailJobLocked(Job& job, const std::string& exception_class, const std::string& message);
  void MaybeShutdown(const Job& job);
  int needed_slots() const;
  int free_slots() const;
  Job* FindJob(const std::string& id);
  std::string SavepointDir(const std::string& requested) const;
  nlohmann::json CheckpointJson(const Job& job, const Checkpoint& c) const;
  nlohmann::json JobDetails(const Job& job, int64_t now) const;
  nlohmann::json JobOverview(const Job& job, int64_t now) const;
  http::Response TriggerSavepoint(Job& job, const nlohmann::json& body, bool stop);
  http::Response RunJar(const std::string& jar_id, const nlohmann::json& body,
                        const std::vector<std::pair<std::string, std::string>>& query);
  http::Response UploadJar(const std::string& body, const http::Headers& headers);
  bool RestartAllowed(const Job& job) const;

  std::string id_, ns_;
  ClusterMode mode_;
  FlinkConfig config_;
  std::string version_;
  Scheduler& scheduler_;
  Settings& settings_;
  SavepointRegistry& savepoints_;
  ClusterBackend backend_;

  mutable std::mutex mu_;
  bool running_ = false;
  bool stopped_ = false;
  int64_t start_time_ = 0;
  std::map<std::string, int> taskmanagers_;  // id → slots
  int requested_tms_ = 0;
  std::map<std::string, Job> jobs_;
  std::vector<std::string> job_order_;
  // Flink keys asynchronous operations by job and trigger id (AsynchronousJobOperationKey):
  // two jobs of one cluster may use the same trigger id. Disposals have no job.
  static std::string OperationKey(const std::string& job_id, const std::string& trigger) {
    return job_id + "/" + trigger;
  }
  std::map<std::string, Operation> operations_;
  std::map<std::string, nlohmann::json> jars_;
  int fail_checkpoints_ = 0;
  int fail_savepoints_ = 0;
  std::vector<std::string> log_;
  bool shutdown_requested_ = false;
};

// "1.20" → "1.20.4" and so on; image tags and operator versions (v1_20) are understood.
std::string FlinkVersionFromImage(const std::string& image);
std::string FullFlinkVersion(const std::string& version);
// Flink's JobID for an HA application cluster without a fixed id (derived from the id).
std::string JobIdFromClusterId(const std::string& cluster_id);
std::string NewJobId();

}  // namespace sluice::sim
