// The operations every CLI target does through a JobManager's REST API once the job
// runs (flink::RestClient): observe the job, savepoint, stop with savepoint, poll, cancel.
// Used by the remote, YARN (through the tracking URL) and local deployers.
#pragma once

#include <memory>
#include <string>

#include "deploy/deployer.h"
#include "flink/rest_client.h"

namespace sluice::deploy {

std::unique_ptr<flink::RestClient> RestClientFor(std::string base_url,
                                                 const flink::FlinkRelease& release,
                                                 flink::UrlTransportOptions options = {});
// The release to speak to a job's JobManager: spec.flinkVersion.
flink::FlinkRelease ReleaseOf(const DeploymentRequest& request);

// Fills job_id, job_state, phase (DEPLOYING, RUNNING, FAILED with Flink's root exception
// in reason; a FINISHED or CANCELED job: exists=false, ABSENT) from the job's REST state.
// kNotFound when the JobManager does not know the job.
Status ObserveJob(flink::RestClient& rest, const std::string& job_id, Observation& out);

Result<Operation> RestSavepoint(flink::RestClient& rest, const std::string& job_id,
                                const SavepointOptions& options);
Result<Operation> RestStop(flink::RestClient& rest, const std::string& job_id,
                           const SavepointOptions& options);
Result<OperationResult> RestPoll(flink::RestClient& rest, const Operation& operation);
// Cancels the job; a job that is unknown or already ended is not an error.
Status RestCancel(flink::RestClient& rest, const std::string& job_id);

}  // namespace sluice::deploy
