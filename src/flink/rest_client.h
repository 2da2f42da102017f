// The JobManager REST API (reference/flink-rest/<version>/rest_v1_dispatcher.yml), the
// part Sluice needs: cluster and job state, exceptions, checkpoints, savepoints with
// caller-chosen trigger ids, stop-with-savepoint, cancel, jar upload and run (session
// clusters), cluster shutdown. Request bodies follow the version: 2.x takes only
// programArgsList; 1.20+ names the restore mode claimMode.
//
//   flink::RestClient jm(flink::UrlTransport("http://127.0.0.1:8081"), {1, 20});
//   SLUICE_ASSIGN_OR_RETURN(auto jobs, jm.JobsOverview());
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "flink/transport.h"

namespace sluice::flink {

// Major and minor version of the Flink the JobManager runs (decides request shapes).
struct FlinkRelease {
  int major = 1;
  int minor = 20;
  static Result<FlinkRelease> Parse(std::string_view text);  // 1.20, 1.20.1, 2.2, v1_20
  bool AtLeast(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
  std::string ToString() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// The configuration keys a version reads for restoring state (1.20 renamed them).
struct RestoreKeys {
  std::string path;                    // execution.state-recovery.path | execution.savepoint.path
  std::string claim_mode;              // ...claim-mode | execution.savepoint-restore-mode
  std::string ignore_unclaimed_state;  // ...ignore-unclaimed-state | ...
};
RestoreKeys RestoreKeysFor(const FlinkRelease& release);

struct ClusterOverview {
  int taskmanagers = 0;
  int slots_total = 0;
  int slots_available = 0;
  int jobs_running = 0;
  int jobs_finished = 0;
  int jobs_cancelled = 0;
  int jobs_failed = 0;
  std::string flink_version;
  std::string flink_commit;
};

struct JobSummary {
  std::string id;
  std::string name;
  std::string state;  // INITIALIZING, CREATED, RUNNING, ..., FINISHED, CANCELED, FAILED
  int64_t start_time = 0;
  int64_t end_time = -1;
  int64_t duration = 0;
  int64_t last_modification = 0;
};

struct VertexSummary {
  std::string id, name, status;
  int parallelism = 0;
};

struct JobDetails {
  JobSummary summary;
  bool is_stoppable = false;
  std::map<std::string, int64_t> timestamps;  // state -> when it was entered
  std::vector<VertexSummary> vertices;
  nlohmann::json raw;
};

struct ExceptionEntry {
  std::string exception_name;
  std::string stacktrace;
  int64_t timestamp = 0;
  std::string task_name;
  std::string location;
};

struct JobExceptions {
  std::string root_exception;  // the latest failure's stack trace, "" if none
  int64_t timestamp = 0;
  std::vector<ExceptionEntry> history;  // newest first
  bool truncated = false;
};

struct CheckpointSummary {
  int64_t id = 0;
  std::string status;  // COMPLETED, FAILED, IN_PROGRESS
  bool is_savepoint = false;
  std::string external_path;
  int64_t trigger_timestamp = 0;
  int64_t latest_ack_timestamp = 0;
  int64_t state_size = 0;
  int64_t checkpointed_size = 0;  // persisted by this one (less than state_size if incremental)
};

struct RestoredCheckpoint {
  int64_t id = 0;
  std::string external_path;
  bool is_savepoint = false;
  int64_t restore_timestamp = 0;
};

struct Checkpoints {
  int64_t restored = 0, total = 0, in_progress = 0, completed = 0, failed = 0;
  std::optional<CheckpointSummary> latest_completed;
  std::optional<CheckpointSummary> latest_savepoint;
  std::optional<RestoredCheckpoint> restored_from;
  std::vector<CheckpointSummary> history;  // the JobManager's recent ones, newest first
};

enum class SavepointFormat { kCanonical, kNative };

struct SavepointRequest {
  std::string target_directory;  // "" = the cluster's default directory
  SavepointFormat format = SavepointFormat::kCanonical;
  std::string trigger_id;  // 32 hex digits; the same id repeats the same request
  bool cancel_job = false;
};

struct StopRequest {
  std::string target_directory;
  bool drain = false;
  SavepointFormat format = SavepointFormat::kCanonical;
  std::string trigger_id;
};

// An asynchronous operation (savepoint, stop): in progress, or done with a location or a
// failure cause.
struct OperationStatus {
  bool completed = false;
  std::string location;  // the savepoint path, on success
  std::string failure;   // the failure cause (Flink's stack trace), on failure
  bool ok() const { return completed && failure.empty(); }
};

struct JarRunRequest {
  std::string jar_id;
  std::string entry_class;
  std::vector<std::string> args;
  std::optional<int> parallelism;
  std::string job_id;  // 32 hex digits; makes a repeated run a duplicate, not a second job
  std::string savepoint_path;
  bool allow_non_restored_state = false;
  std::string claim_mode;  // CLAIM, NO_CLAIM, LEGACY (1.x)
  std::map<std::string, std::string> flink_configuration;
};

class RestClient {
 public:
  RestClient(Transport transport, FlinkRelease release)
      : transport_(std::move(transport)), release_(release) {}

  const FlinkRelease& release() const { return release_; }

  Result<ClusterOverview> Overview();
  Result<nlohmann::json> DashboardConfig();                       // GET /config
  Result<std::map<std::string, std::string>> JobManagerConfig();  // GET /jobmanager/config
  Result<std::vector<JobSummary>> JobsOverview();
  Result<JobDetails> Job(std::string_view job_id);
  Result<JobExceptions> Exceptions(std::string_view job_id, int max_exceptions = 10);
  Result<Checkpoints> CheckpointStats(std::string_view job_id);
  // GET /jobs/:id/metrics?get=a,b: metric name -> value (as Flink sends it, a string);
  // metrics the job does not have are absent. Reads {"metrics":[...]} as the spec names
  // the body, and the bare array Flink's serializer writes.
  Result<std::map<std::string, std::string>> JobMetrics(std::string_view job_id,
                                                        const std::vector<std::string>& names);

  // Returns the trigger id (the caller's, when given).
  Result<std::string> TriggerSavepoint(std::string_view job_id, const SavepointRequest& request);
  Result<std::string> StopWithSavepoint(std::string_view job_id, const StopRequest& request);
  Result<OperationStatus> SavepointStatus(std::string_view job_id, std::string_view trigger_id);
  // POST /savepoint-disposal: Flink deletes the savepoint's files (asynchronously); returns
  // the trigger id to poll with DisposalStatus (the request carries no id of ours).
  Result<std::string> DisposeSavepoint(std::string_view path);
  Result<OperationStatus> DisposalStatus(std::string_view trigger_id);
  // Polls SavepointStatus until completed or the timeout passes (kTimeout).
  Result<OperationStatus> WaitForSavepoint(
      std::string_view job_id, std::string_view trigger_id, std::chrono::milliseconds timeout,
      std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  Status Cancel(std::string_view job_id);

  // POST /jars/upload (multipart field "jarfile").
  struct UploadedJar {
    std::string id;    // the base name of the stored file: what /jars/:id/run takes
    std::string path;  // where the JobManager stored it
  };
  Result<UploadedJar> UploadJar(std::string_view file_name, std::string contents);
  // POST /jars/:id/run; returns the job id.
  Result<std::string> RunJar(const JarRunRequest& request);
  Status DeleteJar(std::string_view jar_id);
  Status ShutdownCluster();  // DELETE /cluster

  // The request bodies this client sends for this version (exposed for spec checks).
  nlohmann::json SavepointBody(const SavepointRequest& request) const;
  nlohmann::json StopBody(const StopRequest& request) const;
  nlohmann::json JarRunBody(const JarRunRequest& request) const;

  // 32 random hex digits: a trigger id or job id.
  static std::string NewId();
  static bool IsId(std::string_view s);

 private:
  Result<nlohmann::json> Call(const RestRequest& request, std::string_view what);
  // An AsynchronousOperationResult (savepoint, stop, disposal).
  static OperationStatus OperationStatusOf(const nlohmann::json& j, std::string_view what);

  Transport transport_;
  FlinkRelease release_;
};

}  // namespace sluice::flink
