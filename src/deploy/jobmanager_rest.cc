#include "deploy/jobmanager_rest.h"

#include <map>
#include <mutex>

#include "common/redact.h"

namespace sluice::deploy {
namespace {

flink::SavepointFormat FormatOf(SavepointFormat f) {
  return f == SavepointFormat::kNative ? flink::SavepointFormat::kNative
                                       : flink::SavepointFormat::kCanonical;
}

bool Failing(const std::string& state) {
  return state == "FAILING" || state == "FAILED" || state == "RESTARTING";
}

constexpr size_t kMaxExceptionChars = 8192;
constexpr size_t kMaxRememberedJobs = 100'000;

// The last exception read per job id, so that a job whose restart count did not move is
// not asked for its exceptions on every pass.
class ExceptionMemo {
 public:
  struct Entry {
    int restarts = -1;
    std::string exception;
    int64_t time = 0;
  };
  std::optional<Entry> Find(const std::string& job_id) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(job_id);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& job_id, Entry e) {
    std::lock_guard lock(mu_);
    if (entries_.size() >= kMaxRememberedJobs) entries_.clear();  // re-read is only a cost
    entries_[job_id] = std::move(e);
  }

 private:
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

ExceptionMemo& Memo() {
  static ExceptionMemo* memo = new ExceptionMemo();
  return *memo;
}

void NoteError(Observation& out, const std::string& what, const Error& e) {
  out.details["jobmanager_errors"].push_back(what + ": " + e.message);
}

bool NotAnsweringCode(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout;
}

}  // namespace

std::string NotAnswering(const Error& error) {
  return "JobManager not answering: " + RedactSecretsInText(error.message);
}

std::optional<flink::JobSummary> FailoverMatch(const std::vector<flink::JobSummary>& jobs,
                                               const std::string& want) {
  std::optional<flink::JobSummary> match;
  int running = 0;
  for (const auto& j : jobs) {
    if (j.id == want) return std::nullopt;
    if (!IsTerminalJobState(j.state)) {
      ++running;
      match = j;
    }
  }
  if (running != 1) return std::nullopt;
  return match;
}

void FillJobDetails(flink::RestClient& rest, const std::string& job_id, const std::string& state,
                    Observation& out) {
  if (out.details.is_null()) out.details = nlohmann::json::object();
  auto metrics = rest.JobMetrics(job_id, {"numRestarts"});
  if (metrics.ok()) {
    auto it = metrics->find("numRestarts");
    if (it != metrics->end()) {
      try {
        out.restarts = std::stoi(it->second);
      } catch (const std::exception&) {
        out.restarts = -1;
      }
    }
  } else {
    NoteError(out, "numRestarts", metrics.error());
  }
  auto checkpoints = rest.CheckpointStats(job_id);
  if (checkpoints.ok()) {
    std::optional<flink::CheckpointSummary> latest = checkpoints->latest_completed;
    const auto& sp = checkpoints->latest_savepoint;
    if (sp && (!latest || sp->id > latest->id)) latest = sp;
    if (latest) {
      out.latest_checkpoint =
          Observation::Checkpoint{latest->id, latest->external_path,
                                  latest->latest_ack_timestamp > 0 ? latest->latest_ack_timestamp
                                                                   : latest->trigger_timestamp,
                                  latest->state_size, latest->is_savepoint};
    }
  } else {
    NoteError(out, "checkpoints", checkpoints.error());
  }
  auto memo = Memo().Find(job_id);
  bool moved = memo ? out.restarts > memo->restarts : out.restarts > 0;
  if (!Failing(state) && !moved) {
    if (memo) {
      out.last_exception = memo->exception;
      out.last_exception_time = memo->time;
    }
    return;
  }
  auto ex = rest.Exceptions(job_id, 1);
  if (!ex.ok()) {
    NoteError(out, "exceptions", ex.error());
    if (memo) {
      out.last_exception = memo->exception;
      out.last_exception_time = memo->time;
    }
    return;
  }
  std::string text = ex->root_exception;
  int64_t time = ex->timestamp;
  if (!ex->history.empty()) {
    if (text.empty()) text = ex->history.front().stacktrace;
    if (time == 0) time = ex->history.front().timestamp;
  }
  text = RedactSecretsInText(text);
  if (text.size() > kMaxExceptionChars) text = text.substr(0, kMaxExceptionChars) + "\n...";
  out.last_exception = text;
  out.last_exception_time = time;
  Memo().Put(job_id, {out.restarts, text, time});
}

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

Status ObserveJob(flink::RestClient& rest, const std::string& job_id, Observation& out,
                  bool single_job_cluster) {
  auto details = rest.Job(job_id);
  if (!details.ok() && NotAnsweringCode(details.error().code)) {
    out.jobmanager_answered = false;
    out.reason = NotAnswering(details.error());
    return std::move(details).error();
  }
  out.jobmanager_answered = true;
  std::string found = job_id;
  std::string state;
  if (details.ok()) {
    state = details->summary.state;
  } else {
    if (details.error().code != ErrorCode::kNotFound || !single_job_cluster)
      return std::move(details).error();
    auto jobs = rest.JobsOverview();
    if (!jobs.ok()) return std::move(details).error();
    auto match = FailoverMatch(*jobs, job_id);
    if (!match) return std::move(details).error();
    found = match->id;
    state = match->state;
    if (out.details.is_null()) out.details = nlohmann::json::object();
    out.details["job_id_note"] = "job " + job_id + " is not on the JobManager; " + found +
                                 " is its only job that runs (found again after a failover)";
  }
  out.job_id = found;
  out.job_state = state;
  FillJobDetails(rest, found, state, out);
  if (state == "FINISHED" || state == "CANCELED") {
    out.exists = false;
    out.phase = "ABSENT";
    out.reason = "the job is " + state;
  } else if (state == "FAILED") {
    out.exists = true;
    out.phase = "FAILED";
    out.reason = !out.last_exception.empty() ? out.last_exception : "the job FAILED";
  } else {
    out.exists = true;
    out.phase = state == "RUNNING" ? "RUNNING" : "DEPLOYING";
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
  if (op.kind == "disposal") {
    SLUICE_ASSIGN_OR_RETURN(flink::OperationStatus s, rest.DisposalStatus(op.trigger_id));
    return OperationResult{s.completed, "", s.failure};
  }
  SLUICE_ASSIGN_OR_RETURN(flink::OperationStatus s, rest.SavepointStatus(op.job_id, op.trigger_id));
  return ResultWithSize(rest, op, s);
}

Result<Operation> RestDispose(flink::RestClient& rest, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string trigger, rest.DisposeSavepoint(path));
  return Operation{"disposal", "", trigger};
}

OperationResult ResultWithSize(flink::RestClient& rest, const Operation& op,
                               const flink::OperationStatus& s) {
  OperationResult out{s.completed, s.location, s.failure};
  if (!out.ok() || out.location.empty()) return out;
  // Best effort: the JobManager of a stopped application may be going away.
  auto stats = rest.CheckpointStats(op.job_id);
  if (stats.ok()) out.size_bytes = SavepointSize(*stats, out.location);
  return out;
}

namespace {
// "file:///tmp/sp", "file:/tmp/sp" and "/tmp/sp" name the same place.
std::string_view WithoutScheme(std::string_view p) {
  size_t colon = p.find(':');
  if (colon != std::string_view::npos && p.find('/') > colon) p.remove_prefix(colon + 1);
  while (p.starts_with('/'))
    p.remove_prefix(1);
  return p;
}
}  // namespace

int64_t SavepointSize(const flink::Checkpoints& stats, const std::string& path) {
  auto size = [&](const flink::CheckpointSummary& c) -> int64_t {
    if (!c.is_savepoint || c.status != "COMPLETED" ||
        WithoutScheme(c.external_path) != WithoutScheme(path))
      return -1;
    return c.state_size > 0 ? c.state_size : c.checkpointed_size;
  };
  for (const auto& c : stats.history) {
    if (int64_t n = size(c); n >= 0) return n;
  }
  if (stats.latest_savepoint) {
    if (int64_t n = size(*stats.latest_savepoint); n >= 0) return n;
  }
  return 0;
}

Status RestCancel(flink::RestClient& rest, const std::string& job_id) {
  auto job = rest.Job(job_id);
  if (!job.ok()) return job.error().code == ErrorCode::kNotFound ? Status{} : Status(job.error());
  if (IsTerminalJobState(job->summary.state)) return {};
  return rest.Cancel(job_id);
}

bool IsTerminalJobState(const std::string& state) {
  return state == "FINISHED" || state == "CANCELED" || state == "FAILED";
}

}  // namespace sluice::deploy
