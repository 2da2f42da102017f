#include "deploy/jobmanager_rest.h"

namespace sluice::deploy {
namespace {

flink::SavepointFormat FormatOf(SavepointFormat f) {
  return f == SavepointFormat::kNative ? flink::SavepointFormat::kNative
                                       : flink::SavepointFormat::kCanonical;
}

bool Terminal(const std::string& state) {
  return state == "FINISHED" || state == "CANCELED" || state == "FAILED";
}

}  // namespace

std::unique_ptr<flink::RestClient> RestClientFor(std::string base_url,
                                                 const flink::FlinkRelease& release,
                                                 flink::UrlTransportOptions options) {
  while (!base_url.empty() && base_url.back() == '/')
    base_url.pop_back();
  return std::make_unique<flink::RestClient>(flink::UrlTransport(base_url, std::move(options)),
                                             release);
}

flink::FlinkRelease ReleaseOf(const DeploymentRequest& request) {
  auto r = flink::FlinkRelease::Parse(request.job.spec.flink_version);
  return r.ok() ? *r : flink::FlinkRelease{};
}

Status ObserveJob(flink::RestClient& rest, const std::string& job_id, Observation& out) {
  SLUICE_ASSIGN_OR_RETURN(flink::JobDetails job, rest.Job(job_id));
  out.job_id = job_id;
  out.job_state = job.summary.state;
  if (job.summary.state == "FINISHED" || job.summary.state == "CANCELED") {
    out.exists = false;
    out.phase = "ABSENT";
    out.reason = "the job is " + job.summary.state;
  } else if (job.summary.state == "FAILED") {
    out.exists = true;
    out.phase = "FAILED";
    auto ex = rest.Exceptions(job_id, 1);
    out.reason = ex.ok() && !ex->root_exception.empty() ? ex->root_exception : "the job FAILED";
  } else {
    out.exists = true;
    out.phase = job.summary.state == "RUNNING" ? "RUNNING" : "DEPLOYING";
  }
  return {};
}

Result<Operation> RestSavepoint(flink::RestClient& rest, const std::string& job_id,
                                const SavepointOptions& o) {
  flink::SavepointRequest req;
  req.target_directory = o.directory;
  req.format = FormatOf(o.format);
  req.trigger_id = o.trigger_id.empty() ? flink::RestClient::NewId() : o.trigger_id;
  SLUICE_ASSIGN_OR_RETURN(std::string trigger, rest.TriggerSavepoint(job_id, req));
  return Operation{"savepoint", job_id, trigger};
}

Result<Operation> RestStop(flink::RestClient& rest, const std::string& job_id,
                           const SavepointOptions& o) {
  flink::StopRequest req;
  req.target_directory = o.directory;
  req.format = FormatOf(o.format);
  req.drain = o.drain;
  req.trigger_id = o.trigger_id.empty() ? flink::RestClient::NewId() : o.trigger_id;
  SLUICE_ASSIGN_OR_RETURN(std::string trigger, rest.StopWithSavepoint(job_id, req));
  return Operation{"stop", job_id, trigger};
}

Result<OperationResult> RestPoll(flink::RestClient& rest, const Operation& op) {
  SLUICE_ASSIGN_OR_RETURN(flink::OperationStatus s, rest.SavepointStatus(op.job_id, op.trigger_id));
  return OperationResult{s.completed, s.location, s.failure};
}

Status RestCancel(flink::RestClient& rest, const std::string& job_id) {
  auto job = rest.Job(job_id);
  if (!job.ok()) return job.error().code == ErrorCode::kNotFound ? Status{} : Status(job.error());
  if (Terminal(job->summary.state)) return {};
  return rest.Cancel(job_id);
}

}  // namespace sluice::deploy
