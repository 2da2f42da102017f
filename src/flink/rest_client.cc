#include "flink/rest_client.h"

#include <thread>

#include "common/ids.h"
#include "common/strings.h"
#include "common/time.h"
#include "http/message.h"
#include "http/status.h"

namespace sluice::flink {
namespace {

using nlohmann::json;

int64_t Int(const json& j, const char* key, int64_t fallback = 0) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return fallback;
  return j[key].get<int64_t>();
}

std::string Str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

std::string FirstLines(std::string_view s, size_t lines) {
  size_t pos = 0;
  for (size_t i = 0; i < lines && pos != std::string_view::npos; ++i) {
    pos = s.find('\n', pos == 0 ? 0 : pos + 1);
  }
  return std::string(Trim(pos == std::string_view::npos ? s : s.substr(0, pos)));
}

// Flink answers errors as {"errors": [...]}; the API server's proxy as a Status object.
std::string ErrorText(const http::ClientResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
      std::string first = j["errors"][0].is_string() ? j["errors"][0].get<std::string>() : "";
      if ((first.empty() || first == "Internal server error.") && j["errors"].size() > 1 &&
          j["errors"][1].is_string()) {
        return FirstLines(j["errors"][1].get<std::string>(), 3);
      }
      return FirstLines(first, 3);
    }
    if (j.value("kind", "") == "Status" && j.contains("message")) return Str(j, "message");
  }
  std::string text(Trim(r.body));
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return "HTTP " + std::to_string(r.status) + (text.empty() ? "" : ": " + text);
}

ErrorCode CodeFor(int status, const std::string& text) {
  if (text.find("DuplicateJobSubmissionException") != std::string::npos ||
      text.find("already been submitted") != std::string::npos) {
    return ErrorCode::kAlreadyExists;
  }
  return http::ErrorCodeForStatus(status);
}

const char* FormatName(SavepointFormat f) {
  return f == SavepointFormat::kNative ? "NATIVE" : "CANONICAL";
}

std::string Segment(std::string_view s) {
  return http::PercentEncode(s);
}

JobSummary ParseSummary(const json& j) {
  JobSummary s;
  s.id = Str(j, "jid");
  s.name = Str(j, "name");
  s.state = Str(j, "state");
  s.start_time = Int(j, "start-time");
  s.end_time = Int(j, "end-time", -1);
  s.duration = Int(j, "duration");
  s.last_modification = Int(j, "last-modification");
  return s;
}

CheckpointSummary ParseCheckpoint(const json& j) {
  CheckpointSummary c;
  c.id = Int(j, "id");
  c.status = Str(j, "status");
  c.is_savepoint = j.value("is_savepoint", false);
  c.external_path = Str(j, "external_path");
  c.trigger_timestamp = Int(j, "trigger_timestamp");
  c.latest_ack_timestamp = Int(j, "latest_ack_timestamp");
  c.state_size = Int(j, "state_size");
  c.checkpointed_size = Int(j, "checkpointed_size");
  return c;
}

}  // namespace

Result<FlinkRelease> FlinkRelease::Parse(std::string_view text) {
  // v?MAJOR[._]MINOR([._]PATCH)?(-suffix)?, scanned by hand (GCC 12 warns inside <regex>
  // at -O1 with sanitizers).
  std::string s(Trim(text));
  auto bad = [&] {
    return InvalidArgument(Quote(text) + " is not a Flink version (1.20, 2.2.1, v1_20)");
  };
  auto digits = [&](size_t i) {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i;
  };
  size_t i = (!s.empty() && s[0] == 'v') ? 1 : 0;
  size_t major_end = digits(i);
  if (major_end == i || major_end >= s.size() || (s[major_end] != '.' && s[major_end] != '_'))
    return bad();
  size_t minor_end = digits(major_end + 1);
  if (minor_end == major_end + 1) return bad();
  size_t end = minor_end;
  if (end < s.size() && (s[end] == '.' || s[end] == '_')) {
    size_t patch_end = digits(end + 1);
    if (patch_end == end + 1) return bad();
    end = patch_end;
  }
  if (end < s.size() && s[end] != '-') return bad();
  return FlinkRelease{std::stoi(s.substr(i, major_end - i)),
                      std::stoi(s.substr(major_end + 1, minor_end - major_end - 1))};
}

RestoreKeys RestoreKeysFor(const FlinkRelease& r) {
  if (r.AtLeast(1, 20)) {
    return {"execution.state-recovery.path", "execution.state-recovery.claim-mode",
            "execution.state-recovery.ignore-unclaimed-state"};
  }
  return {"execution.savepoint.path", "execution.savepoint-restore-mode",
          "execution.savepoint.ignore-unclaimed-state"};
}

std::string RestClient::NewId() {
  return RandomHex(16);
}

bool RestClient::IsId(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Result<json> RestClient::Call(const RestRequest& request, std::string_view what) {
  auto r = transport_(request);
  if (!r.ok()) return std::move(r).error().Context(std::string(what));
  if (r->status < 200 || r->status >= 300) {
    std::string text = ErrorText(*r);
    Error e = MakeError(CodeFor(r->status, text), std::string(what) + ": " + text);
    e.where = "JobManager " + request.method + " " + request.path;
    if (r->status == 503 && text.find("no endpoints available") != std::string::npos) {
      e.hint = "the JobManager pod is not ready yet";
    }
    return e;
  }
  if (r->body.empty()) return json::object();
  json j = json::parse(r->body, nullptr, false);
  if (j.is_discarded()) {
    return Internal(std::string(what) + ": the JobManager's answer is not JSON");
  }
  return j;
}

Result<ClusterOverview> RestClient::Overview() {
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.path = "/overview"}, "cluster overview"));
  ClusterOverview o;
  o.taskmanagers = static_cast<int>(Int(j, "taskmanagers"));
  o.slots_total = static_cast<int>(Int(j, "slots-total"));
  o.slots_available = static_cast<int>(Int(j, "slots-available"));
  o.jobs_running = static_cast<int>(Int(j, "jobs-running"));
  o.jobs_finished = static_cast<int>(Int(j, "jobs-finished"));
  o.jobs_cancelled = static_cast<int>(Int(j, "jobs-cancelled"));
  o.jobs_failed = static_cast<int>(Int(j, "jobs-failed"));
  o.flink_version = Str(j, "flink-version");
  o.flink_commit = Str(j, "flink-commit");
  return o;
}

Result<json> RestClient::DashboardConfig() {
  return Call({.path = "/config"}, "dashboard configuration");
}

Result<std::map<std::string, std::string>> RestClient::JobManagerConfig() {
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.path = "/jobmanager/config"}, "JobManager configuration"));
  std::map<std::string, std::string> out;
  for (const auto& e : j.is_array() ? j : json::array()) {
    out[Str(e, "key")] = Str(e, "value");
  }
  return out;
}

Result<std::vector<JobSummary>> RestClient::JobsOverview() {
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.path = "/jobs/overview"}, "jobs overview"));
  std::vector<JobSummary> out;
  for (const auto& job : j.value("jobs", json::array()))
    out.push_back(ParseSummary(job));
  return out;
}

Result<JobDetails> RestClient::Job(std::string_view job_id) {
  SLUICE_ASSIGN_OR_RETURN(json j,
                          Call({.path = "/jobs/" + Segment(job_id)}, "job " + std::string(job_id)));
  JobDetails d;
  d.summary = ParseSummary(j);
  d.is_stoppable = j.value("isStoppable", false);
  const json timestamps = j.value("timestamps", json::object());
  for (const auto& [k, v] : timestamps.items()) {
    if (v.is_number()) d.timestamps[k] = v.get<int64_t>();
  }
  for (const auto& v : j.value("vertices", json::array())) {
    d.vertices.push_back(
        {Str(v, "id"), Str(v, "name"), Str(v, "status"), static_cast<int>(Int(v, "parallelism"))});
  }
  d.raw = std::move(j);
  return d;
}

Result<JobExceptions> RestClient::Exceptions(std::string_view job_id, int max_exceptions) {
  SLUICE_ASSIGN_OR_RETURN(
      json j, Call({.path = "/jobs/" + Segment(job_id) +
                            "/exceptions?maxExceptions=" + std::to_string(max_exceptions)},
                   "exceptions of job " + std::string(job_id)));
  JobExceptions e;
  e.root_exception = Str(j, "root-exception");
  e.timestamp = Int(j, "timestamp");
  const json history = j.value("exceptionHistory", json::object());
  e.truncated = history.value("truncated", j.value("truncated", false));
  for (const auto& h : history.value("entries", json::array())) {
    e.history.push_back({Str(h, "exceptionName"), Str(h, "stacktrace"), Int(h, "timestamp"),
                         Str(h, "taskName"), Str(h, "location")});
  }
  return e;
}

Result<Checkpoints> RestClient::CheckpointStats(std::string_view job_id) {
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.path = "/jobs/" + Segment(job_id) + "/checkpoints"},
                                       "checkpoints of job " + std::string(job_id)));
  Checkpoints c;
  const json counts = j.value("counts", json::object());
  c.restored = Int(counts, "restored");
  c.total = Int(counts, "total");
  c.in_progress = Int(counts, "in_progress");
  c.completed = Int(counts, "completed");
  c.failed = Int(counts, "failed");
  const json latest = j.value("latest", json::object());
  if (latest.contains("completed") && latest["completed"].is_object())
    c.latest_completed = ParseCheckpoint(latest["completed"]);
  if (latest.contains("savepoint") && latest["savepoint"].is_object())
    c.latest_savepoint = ParseCheckpoint(latest["savepoint"]);
  for (const auto& h : j.value("history", json::array())) {
    if (h.is_object()) c.history.push_back(ParseCheckpoint(h));
  }
  if (latest.contains("restored") && latest["restored"].is_object()) {
    const json& r = latest["restored"];
    c.restored_from =
        RestoredCheckpoint{Int(r, "id"), Str(r, "external_path"), r.value("is_savepoint", false),
                           Int(r, "restore_timestamp")};
  }
  return c;
}

Result<std::map<std::string, std::string>> RestClient::JobMetrics(
    std::string_view job_id, const std::vector<std::string>& names) {
  std::string get;
  for (const auto& n : names)
    get += (get.empty() ? "" : ",") + n;
  SLUICE_ASSIGN_OR_RETURN(
      json j, Call({.path = "/jobs/" + Segment(job_id) + "/metrics?get=" + Segment(get)},
                   "metrics of job " + std::string(job_id)));
  const json list = j.is_array() ? j : j.value("metrics", json::array());
  std::map<std::string, std::string> out;
  for (const auto& m : list) {
    if (!m.is_object() || !m.contains("id")) continue;
    const json v = m.value("value", json());
    out[Str(m, "id")] = v.is_string() ? v.get<std::string>() : (v.is_null() ? "" : v.dump());
  }
  return out;
}

json RestClient::SavepointBody(const SavepointRequest& r) const {
  json body = {{"cancel-job", r.cancel_job}, {"formatType", FormatName(r.format)}};
  if (!r.target_directory.empty()) body["target-directory"] = r.target_directory;
  if (!r.trigger_id.empty()) body["triggerId"] = r.trigger_id;
  return body;
}

json RestClient::StopBody(const StopRequest& r) const {
  // Note the camelCase: stop's body differs from the savepoint trigger's.
  json body = {{"drain", r.drain}, {"formatType", FormatName(r.format)}};
  if (!r.target_directory.empty()) body["targetDirectory"] = r.target_directory;
  if (!r.trigger_id.empty()) body["triggerId"] = r.trigger_id;
  return body;
}

json RestClient::JarRunBody(const JarRunRequest& r) const {
  json body = json::object();
  if (!r.entry_class.empty()) body["entryClass"] = r.entry_class;
  // programArgsList in every version: the string form splits on spaces and is gone in 2.x.
  body["programArgsList"] = r.args;
  if (r.parallelism) body["parallelism"] = *r.parallelism;
  if (!r.job_id.empty()) body["jobId"] = r.job_id;
  if (!r.savepoint_path.empty()) {
    body["savepointPath"] = r.savepoint_path;
    body["allowNonRestoredState"] = r.allow_non_restored_state;
    if (!r.claim_mode.empty())
      body[release_.AtLeast(1, 20) ? "claimMode" : "restoreMode"] = r.claim_mode;
  }
  if (!r.flink_configuration.empty()) body["flinkConfiguration"] = r.flink_configuration;
  return body;
}

Result<std::string> RestClient::TriggerSavepoint(std::string_view job_id,
                                                 const SavepointRequest& request) {
  if (!request.trigger_id.empty() && !IsId(request.trigger_id)) {
    return InvalidArgument("trigger id " + Quote(request.trigger_id) + " is not 32 hex digits");
  }
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.method = "POST",
                                        .path = "/jobs/" + Segment(job_id) + "/savepoints",
                                        .body = SavepointBody(request).dump(),
                                        .content_type = "application/json",
                                        .idempotent = !request.trigger_id.empty()},
                                       "savepoint of job " + std::string(job_id)));
  return Str(j, "request-id");
}

Result<std::string> RestClient::StopWithSavepoint(std::string_view job_id,
                                                  const StopRequest& request) {
  if (!request.trigger_id.empty() && !IsId(request.trigger_id)) {
    return InvalidArgument("trigger id " + Quote(request.trigger_id) + " is not 32 hex digits");
  }
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.method = "POST",
                                        .path = "/jobs/" + Segment(job_id) + "/stop",
                                        .body = StopBody(request).dump(),
                                        .content_type = "application/json",
                                        .idempotent = !request.trigger_id.empty()},
                                       "stop-with-savepoint of job " + std::string(job_id)));
  return Str(j, "request-id");
}

Result<OperationStatus> RestClient::SavepointStatus(std::string_view job_id,
                                                    std::string_view trigger_id) {
  SLUICE_ASSIGN_OR_RETURN(
      json j, Call({.path = "/jobs/" + Segment(job_id) + "/savepoints/" + Segment(trigger_id)},
                   "savepoint " + std::string(trigger_id) + " of job " + std::string(job_id)));
  return OperationStatusOf(j, "savepoint");
}

Result<std::string> RestClient::DisposeSavepoint(std::string_view path) {
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.method = "POST",
                                        .path = "/savepoint-disposal",
                                        .body = json{{"savepoint-path", path}}.dump(),
                                        .content_type = "application/json",
                                        .idempotent = false},
                                       "dispose savepoint " + std::string(path)));
  std::string id = Str(j, "request-id");
  if (id.empty()) {
    return Error{.code = ErrorCode::kInternal,
                 .message = "the JobManager accepted the disposal of " + std::string(path) +
                            " but gave no request-id"};
  }
  return id;
}

Result<OperationStatus> RestClient::DisposalStatus(std::string_view trigger_id) {
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.path = "/savepoint-disposal/" + Segment(trigger_id)},
                                       "savepoint disposal " + std::string(trigger_id)));
  return OperationStatusOf(j, "disposal");
}

OperationStatus RestClient::OperationStatusOf(const json& j, std::string_view what) {
  OperationStatus s;
  s.completed = j.value("status", json::object()).value("id", "") == "COMPLETED";
  const json op = j.value("operation", json::object());
  s.location = Str(op, "location");
  if (op.contains("failure-cause") && op["failure-cause"].is_object()) {
    const json& f = op["failure-cause"];
    std::string text = Str(f, "stack-trace");
    if (text.empty()) text = Str(f, "serialized-throwable");
    if (text.empty()) text = Str(f, "class");
    s.failure = text.empty() ? std::string(what) + " failed (no cause given)" : FirstLines(text, 3);
  }
  return s;
}

Result<OperationStatus> RestClient::WaitForSavepoint(std::string_view job_id,
                                                     std::string_view trigger_id,
                                                     std::chrono::milliseconds timeout,
                                                     std::chrono::milliseconds poll) {
  int64_t deadline = MonotonicMillis() + timeout.count();
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(OperationStatus s, SavepointStatus(job_id, trigger_id));
    if (s.completed) return s;
    if (MonotonicMillis() >= deadline) {
      return Timeout("savepoint " + std::string(trigger_id) + " of job " + std::string(job_id) +
                     " did not complete within " + FormatDuration(timeout))
          .Hint("it may still complete; poll the trigger id again");
    }
    std::this_thread::sleep_for(poll);
  }
}

Status RestClient::Cancel(std::string_view job_id) {
  auto r = Call({.method = "PATCH", .path = "/jobs/" + Segment(job_id) + "?mode=cancel"},
                "cancel job " + std::string(job_id));
  if (!r.ok()) return std::move(r).error();
  return Status::Ok();
}

Result<RestClient::UploadedJar> RestClient::UploadJar(std::string_view file_name,
                                                      std::string contents) {
  http::MultipartPart part{"jarfile", std::string(file_name), "application/x-java-archive",
                           std::move(contents)};
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.method = "POST",
                                        .path = "/jars/upload",
                                        .multipart = {std::move(part)},
                                        .timeout = std::chrono::minutes(5),
                                        .idempotent = false},
                                       "upload " + std::string(file_name)));
  std::string filename = Str(j, "filename");
  if (Str(j, "status") != "success" || filename.empty()) {
    return Internal("upload " + std::string(file_name) + ": the JobManager answered " + j.dump());
  }
  return UploadedJar{filename.substr(filename.find_last_of('/') + 1), filename};
}

Result<std::string> RestClient::RunJar(const JarRunRequest& request) {
  if (!request.job_id.empty() && !IsId(request.job_id)) {
    return InvalidArgument("job id " + Quote(request.job_id) + " is not 32 hex digits");
  }
  SLUICE_ASSIGN_OR_RETURN(json j, Call({.method = "POST",
                                        .path = "/jars/" + Segment(request.jar_id) + "/run",
                                        .body = JarRunBody(request).dump(),
                                        .content_type = "application/json",
                                        .timeout = std::chrono::minutes(2),
                                        .idempotent = !request.job_id.empty()},
                                       "run " + request.jar_id));
  return Str(j, "jobid");
}

Status RestClient::DeleteJar(std::string_view jar_id) {
  auto r = Call({.method = "DELETE", .path = "/jars/" + Segment(jar_id)},
                "delete jar " + std::string(jar_id));
  if (!r.ok()) return std::move(r).error();
  return Status::Ok();
}

Status RestClient::ShutdownCluster() {
  auto r = Call({.method = "DELETE", .path = "/cluster"}, "shut the cluster down");
  if (!r.ok()) return std::move(r).error();
  return Status::Ok();
}

}  // namespace sluice::flink
