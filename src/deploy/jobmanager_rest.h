// The operations every CLI target does through a JobManager's REST API once the job
// runs (flink::RestClient): observe the job, savepoint, stop with savepoint, poll, cancel.
// Used by the remote, YARN (through the tracking URL) and local deployers.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deploy/deployer.h"
#include "flink/rest_client.h"

namespace sluice::deploy {

std::unique_ptr<flink::RestClient> RestClientFor(std::string base_url,
                                                 const flink::FlinkRelease& release,
                                                 flink::UrlTransportOptions options = {});
// The release to speak to a job's JobManager: spec.flinkVersion.
flink::FlinkRelease ReleaseOf(const DeploymentRequest& request);

// Fills job_id, job_state, phase (DEPLOYING, RUNNING, FAILED with Flink's root exception
// in reason; a FINISHED or CANCELED job: exists=false, ABSENT) from the job's REST state,
// and the JobManager fields (FillJobDetails). kNotFound when the JobManager does not know
// the job; with `single_job_cluster` (application, per-job) a job running under another id
// after a failover is taken instead (FailoverMatch, noted in details["job_id_note"]).
// A JobManager that does not answer (connection, timeout, 5xx) sets
// jobmanager_answered=false and reason "JobManager not answering: ..." and returns the
// error (kUnavailable / kTimeout).
Status ObserveJob(flink::RestClient& rest, const std::string& job_id, Observation& out,
                  bool single_job_cluster = false);

// What the JobManager says about one job, into `out`'s JobManager fields: restarts (the
// job's numRestarts metric), latest_checkpoint (checkpoint statistics) and, only when the
// job is FAILING, FAILED or RESTARTING or its restart count moved since the last look
// (remembered per job id in this process), its exceptions: last_exception is the root
// cause with secrets masked. A detail that cannot be read stays unknown and its error goes
// to details["jobmanager_errors"]; it never fails the observation.
void FillJobDetails(flink::RestClient& rest, const std::string& job_id, const std::string& state,
                    Observation& out);

// After a JobManager failover the job we expect may run under another id (Flink without
// HA gives a recovered application a new one): when `want` is absent from `jobs` and
// exactly one job is not terminal, that job; otherwise nullopt.
std::optional<flink::JobSummary> FailoverMatch(const std::vector<flink::JobSummary>& jobs,
                                               const std::string& want);

// The reason of an observation whose JobManager did not answer.
std::string NotAnswering(const Error& error);

Result<Operation> RestSavepoint(flink::RestClient& rest, const std::string& job_id,
                                const SavepointOptions& options);
Result<Operation> RestStop(flink::RestClient& rest, const std::string& job_id,
                           const SavepointOptions& options);
// Polls a savepoint, stop or disposal.
Result<OperationResult> RestPoll(flink::RestClient& rest, const Operation& operation);
Result<Operation> RestDispose(flink::RestClient& rest, const std::string& path);
// A poll's result from the savepoint status, with the savepoint's size when it completed
// (from the job's checkpoint statistics, matched by path; 0 when they do not list it).
OperationResult ResultWithSize(flink::RestClient& rest, const Operation& operation,
                               const flink::OperationStatus& status);
// The size of the savepoint at `path` among the statistics' savepoints; 0 when not there.
int64_t SavepointSize(const flink::Checkpoints& stats, const std::string& path);
// Cancels the job; a job that is unknown or already ended is not an error.
Status RestCancel(flink::RestClient& rest, const std::string& job_id);

// FINISHED, CANCELED or FAILED: Flink's globally terminal job states.
bool IsTerminalJobState(const std::string& state);

}  // namespace sluice::deploy
