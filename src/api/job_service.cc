#include "api/job_service.h"

#include <algorithm>

#include "api/views.h"
#include "common/ids.h"
#include "common/strings.h"
#include "common/time.h"
#include "spec/diff.h"
#include "spec/parse.h"
#include "spec/render.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

store::JobEvent Event(std::string type, std::string reason, const std::string& actor,
                      json details = json::object()) {
  store::JobEvent e;
  e.type = std::move(type);
  e.reason = std::move(reason);
  e.actor = actor;
  e.details_json = details.dump();
  return e;
}

Error Refused(const store::Job& job, const std::string& what) {
  return Error{.code = ErrorCode::kAborted,
               .message = "job " + Quote(job.name) + " " + what,
               .where = job.name,
               .hint = "the job wants " + job.desired_state + " and is " + job.state};
}

}  // namespace

const std::vector<std::string>& JobService::States() {
  static const std::vector<std::string> states = {"DRAFT",    "DEPLOYING",  "RUNNING",
                                                  "FAILED",   "FINISHED",   "SUSPENDED",
                                                  "CANCELED", "RESTARTING", "UPGRADING"};
  return states;
}

const std::vector<std::string>& JobService::Actions() {
  static const std::vector<std::string> actions = {"deploy", "stop",      "cancel",  "suspend",
                                                   "resume", "savepoint", "restart", "rollback"};
  return actions;
}

Result<JobInput> JobService::Parse(const json& body, std::vector<SchemaError>* problems) {
  std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  spec::ParsedSpec parsed = spec::ParseJobSpec(text, "body");
  for (const auto& p : parsed.problems) {
    if (p.severity != flinkconf::Severity::kError) continue;
    problems->push_back({p.path, p.message + (p.hint.empty() ? "" : " (" + p.hint + ")")});
  }
  if (!parsed.ok()) return InvalidArgument("the job spec is invalid");
  JobInput in;
  in.spec = std::move(parsed.job);
  in.spec_json = spec::RenderJson(in.spec);
  in.name = in.spec.metadata.name;
  in.team = in.spec.metadata.team;
  in.cluster = in.spec.spec.cluster;
  in.target = in.spec.spec.target ? std::string(spec::TargetName(*in.spec.spec.target)) : "";
  return in;
}

Status JobService::CheckReferences(const JobInput& in) const {
  if (!in.team.empty()) {
    auto team = store_.FindTeam(in.team);
    if (!team.ok()) {
      return FailedPrecondition("team " + Quote(in.team) + " does not exist")
          .At("metadata.team")
          .Hint("create it first (POST /api/v1/teams), or name an existing team");
    }
  }
  if (!in.cluster.empty()) {
    auto cluster = store_.FindCluster(in.cluster);
    if (!cluster.ok()) {
      return FailedPrecondition("cluster " + Quote(in.cluster) + " is not registered")
          .At("spec.cluster")
          .Hint("register it (POST /api/v1/clusters) or name one from GET /api/v1/clusters");
    }
    auto teams = json::parse(cluster->teams_json, nullptr, false);
    if (teams.is_array() && !teams.empty() &&
        !Contains(teams.get<std::vector<std::string>>(), in.team)) {
      return FailedPrecondition("cluster " + Quote(in.cluster) + " is limited to the teams " +
                                Join(teams.get<std::vector<std::string>>(), ", "))
          .At("spec.cluster")
          .Hint("put the job in one of those teams (metadata.team) or use another cluster");
    }
  }
  return Status::Ok();
}

std::string JobService::TeamName(int64_t team_id) const {
  if (!team_id) return "";
  auto team = store_.GetTeam(team_id);
  return team.ok() ? team->name : "#" + std::to_string(team_id);
}

Result<int64_t> JobService::TeamId(const std::string& team) const {
  if (team.empty()) return int64_t{0};
  SLUICE_ASSIGN_OR_RETURN(store::Team t, store_.FindTeam(team));
  return t.id;
}

Result<store::Job> JobService::Create(const JobInput& in, const std::string& actor) {
  store::Job job;
  job.name = in.name;
  SLUICE_ASSIGN_OR_RETURN(job.team_id, TeamId(in.team));
  job.cluster = in.cluster;
  job.target = in.target;
  // Nothing runs until someone deploys it.
  job.desired_state = "CANCELED";
  job.state = "DRAFT";
  SLUICE_ASSIGN_OR_RETURN(store::Job created,
                          store_.CreateJob(job, {.spec_json = in.spec_json, .created_by = actor}));
  store::JobEvent e = Event("created", "job created with spec version 1", actor, {{"version", 1}});
  e.job_id = created.id;
  e.to_state = created.state;
  SLUICE_RETURN_IF_ERROR(store_.AppendEvent(e));
  return created;
}

Result<store::Job> JobService::Update(const store::Job& current, const JobInput& in,
                                      int64_t revision, const std::string& actor, bool* unchanged) {
  store::Job next = current;
  next.revision = revision;
  SLUICE_ASSIGN_OR_RETURN(next.team_id, TeamId(in.team));
  next.cluster = in.cluster;
  next.target = in.target;
  SLUICE_ASSIGN_OR_RETURN(store::JobVersion now,
                          store_.GetJobVersion(current.id, current.spec_version));
  SLUICE_ASSIGN_OR_RETURN(spec::JobSpec before, spec::LoadJobSpec(now.spec_json, "stored"));
  spec::SpecDiff diff = spec::Diff(before, in.spec);
  *unchanged = diff.empty();
  if (diff.empty()) {
    if (revision != current.revision) {
      return Conflict("job " + Quote(current.name) +
                      " was changed concurrently: expected revision " + std::to_string(revision) +
                      ", now " + std::to_string(current.revision));
    }
    return current;
  }
  json changed = json::array();
  for (const auto& c : diff.changes)
    changed.push_back(c.path);
  store::JobEvent e = Event("spec-updated",
                            "spec version " + std::to_string(current.spec_version + 1) + " (" +
                                std::string(spec::ImpactName(diff.impact)) + ")",
                            actor,
                            {{"version", current.spec_version + 1},
                             {"impact", spec::ImpactName(diff.impact)},
                             {"changed", changed}});
  return Notified(
      store_.UpdateJobSpec(next, {.spec_json = in.spec_json, .created_by = actor}, {e}));
}

Result<store::Job> JobService::Delete(const store::Job& current, int64_t revision,
                                      const std::string& actor, bool* gone) {
  // Never asked to run and never touched by the reconciler: nothing exists in a cluster.
  *gone = current.desired_state != "RUNNING" && current.desired_state != "SUSPENDED" &&
          current.status_version == 0;
  if (*gone) {
    SLUICE_RETURN_IF_ERROR(store_.MarkJobDeleted(current.id, revision, NowMillis()));
    store::JobEvent e = Event("deleted", "deleted before it was ever deployed", actor);
    e.job_id = current.id;
    SLUICE_RETURN_IF_ERROR(store_.AppendEvent(e));
    return store_.GetJob(current.id);
  }
  store::Job next = current;
  next.revision = revision;
  next.desired_state = "DELETED";
  store::JobEvent e = Event("action", "delete requested", actor, {{"action", "delete"}});
  e.from_state = current.state;
  return Notified(store_.UpdateJobIntent(next, {e}));
}

Result<store::Job> JobService::Notified(Result<store::Job> written) const {
  if (written.ok() && notifier_) notifier_(written->id);
  return written;
}

Result<store::Job> JobService::Plan(const store::Job& job, const ActionRequest& r) const {
  const std::string& desired = job.desired_state;
  if (desired == "DELETED") return Refused(job, "is being deleted");
  store::Job next = job;
  bool wants_running = desired == "RUNNING";
  const std::string& a = r.action;
  if (a == "deploy") {
    if (wants_running) {
      return Refused(job,
                     "is already deployed; restart redeploys it, rollback runs an older "
                     "version");
    }
    next.desired_state = "RUNNING";
    next.restore_path = r.savepoint_path;
  } else if (a == "resume") {
    // A suspended job, or one stopped with a savepoint, goes on from where it stopped (the
    // latest savepoint unless savepointPath says otherwise).
    bool stopped_with_savepoint =
        desired == "CANCELED" && job.stop_with_savepoint && job.state != "DRAFT";
    if (desired != "SUSPENDED" && !stopped_with_savepoint) {
      return Refused(job, wants_running
                              ? "is not suspended or stopped; nothing to resume"
                              : "was not stopped with a savepoint; deploy starts it again");
    }
    next.desired_state = "RUNNING";
    next.restore_path = r.savepoint_path;
  } else if (a == "stop" || a == "cancel" || a == "suspend") {
    if (!wants_running) return Refused(job, "is not running or deploying; nothing to " + a);
    next.desired_state = a == "suspend" ? "SUSPENDED" : "CANCELED";
    next.stop_with_savepoint = a == "suspend" || (a == "stop" && r.with_savepoint);
    next.stop_drain = a == "stop" && r.drain;
  } else if (a == "restart") {
    if (!wants_running) return Refused(job, "is not deployed; deploy starts it");
    next.restart_nonce = job.restart_nonce + 1;
    next.restore_path = r.savepoint_path;
  } else if (a == "savepoint") {
    if (!wants_running || job.state != "RUNNING") {
      return Refused(job, "is not running; a savepoint needs a running job");
    }
  } else if (a == "rollback") {
    if (r.version == job.spec_version) {
      return Refused(job, "already runs spec version " + std::to_string(r.version));
    }
  } else {
    return InvalidArgument("unknown action " + Quote(a)).At("path.action");
  }
  return next;
}

Result<ActionResult> JobService::Act(const std::string& name, const ActionRequest& r) {
  // An intent written by someone else between reading and writing: read again and decide
  // again, a few times.
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(store::Job job, store_.FindJob(name));
    SLUICE_ASSIGN_OR_RETURN(store::Job next, Plan(job, r));
    json details = {{"action", r.action}};
    store::JobEvent e = Event("action", r.action + " requested", r.actor);
    e.from_state = job.state;
    ActionResult out;
    Result<store::Job> written = job;
    if (r.action == "savepoint") {
      auto existing = store_.ListSavepoints(job.id);
      if (!existing.ok()) return std::move(existing).error();
      for (const auto& s : *existing) {
        if (s.trigger == "manual" && (s.state == "REQUESTED" || s.state == "IN_PROGRESS")) {
          return Refused(job,
                         "already has a savepoint in progress (trigger id " + s.trigger_id + ")");
        }
      }
      store::Savepoint sp{.job_id = job.id,
                          .trigger = "manual",
                          .state = "REQUESTED",
                          .requested_by = r.actor,
                          .spec_version = job.spec_version,
                          .trigger_id = RandomHex(16)};
      SLUICE_ASSIGN_OR_RETURN(out.savepoint, store_.CreateSavepoint(sp));
      details["savepointId"] = out.savepoint->id;
      details["triggerId"] = out.savepoint->trigger_id;
      e.job_id = job.id;
      e.details_json = details.dump();
      SLUICE_RETURN_IF_ERROR(store_.AppendEvent(e));
    } else if (r.action == "rollback") {
      auto old = store_.GetJobVersion(job.id, r.version);
      if (!old.ok()) {
        return FailedPrecondition("job " + Quote(name) + " has no spec version " +
                                  std::to_string(r.version))
            .At("version")
            .Hint("GET /api/v1/jobs/" + name + "/versions lists them");
      }
      SLUICE_ASSIGN_OR_RETURN(spec::JobSpec spec, spec::LoadJobSpec(old->spec_json, "stored"));
      next.cluster = spec.spec.cluster;
      next.target = spec.spec.target ? std::string(spec::TargetName(*spec.spec.target)) : "";
      auto team = TeamId(spec.metadata.team);
      if (!team.ok()) {
        return FailedPrecondition("spec version " + std::to_string(r.version) + " names team " +
                                  Quote(spec.metadata.team) + ", which no longer exists");
      }
      next.team_id = *team;
      details["fromVersion"] = job.spec_version;
      details["toVersion"] = r.version;
      details["newVersion"] = job.spec_version + 1;
      e.reason = "rollback to spec version " + std::to_string(r.version) + " (as version " +
                 std::to_string(job.spec_version + 1) + ")";
      e.details_json = details.dump();
      written =
          store_.UpdateJobSpec(next, {.spec_json = old->spec_json, .created_by = r.actor}, {e});
    } else {
      if (r.action == "stop") {
        details["withSavepoint"] = r.with_savepoint;
        details["drain"] = r.drain;
      }
      if (!r.savepoint_path.empty()) details["savepointPath"] = r.savepoint_path;
      e.details_json = details.dump();
      written = store_.UpdateJobIntent(next, {e});
    }
    if (!written.ok()) {
      if (written.error().code == ErrorCode::kConflict && attempt < 3) continue;
      return std::move(written).error();
    }
    out.job = std::move(Notified(std::move(written))).value();
    return out;
  }
}

json JobService::ToJson(const store::Job& job, const std::string& team, const json* spec) {
  json status = json::parse(job.status_json, nullptr, false);
  if (!status.is_object()) status = json::object();
  status["state"] = job.state;
  if (!status.contains("reason")) status["reason"] = "";
  if (!status.contains("webUrl")) status["webUrl"] = nullptr;
  json out = {{"name", job.name},
              {"team", team.empty() ? json(nullptr) : json(team)},
              {"cluster", job.cluster},
              {"target", job.target},
              {"revision", job.revision},
              {"specVersion", job.spec_version},
              {"intent",
               {{"desiredState", job.desired_state},
                {"stopWithSavepoint", job.stop_with_savepoint},
                {"stopDrain", job.stop_drain},
                {"restartNonce", job.restart_nonce},
                {"restorePath", job.restore_path}}},
              {"status", status},
              {"statusVersion", job.status_version},
              {"createdAt", TimeJson(job.created_at)},
              {"updatedAt", TimeJson(job.updated_at)}};
  if (spec) out["spec"] = *spec;
  return out;
}

json JobService::EventJson(const store::JobEvent& e) {
  json details = json::parse(e.details_json, nullptr, false);
  return {{"id", e.id},       {"time", TimeJson(e.time)},
          {"type", e.type},   {"from", e.from_state},
          {"to", e.to_state}, {"reason", e.reason},
          {"actor", e.actor}, {"details", details.is_discarded() ? json::object() : details}};
}

json JobService::SavepointJson(const store::Savepoint& s) {
  return {{"id", s.id},
          {"kind", s.kind},
          {"trigger", s.trigger},
          {"state", s.state},
          {"requestedBy", s.requested_by},
          {"requestedAt", TimeJson(s.requested_at)},
          {"specVersion", s.spec_version},
          {"triggerId", s.trigger_id},
          {"format", s.format},
          {"path", s.path.empty() ? json(nullptr) : json(s.path)},
          {"sizeBytes", s.size_bytes},
          {"completedAt", TimeJson(s.completed_at)},
          {"error", s.error.empty() ? json(nullptr) : json(s.error)}};
}

json JobService::VersionJson(const store::JobVersion& v, bool with_spec) {
  json out = {
      {"version", v.version}, {"createdBy", v.created_by}, {"createdAt", TimeJson(v.created_at)}};
  if (with_spec) {
    json spec = json::parse(v.spec_json, nullptr, false);
    out["spec"] = spec.is_discarded() ? json(nullptr) : spec;
  }
  return out;
}

}  // namespace sluice::api
