// Jobs: the intent half (API), the status half (reconciler), versions, events, savepoints.
#include <algorithm>

#include "common/time.h"
#include "store/query.h"
#include "store/store.h"

namespace sluice::store {
namespace {

constexpr const char* kJobColumns =
    "id, name, team_id, cluster, target, desired_state, spec_version, stop_with_savepoint, "
    "stop_drain, restart_nonce, restore_path, revision, state, status, status_version, "
    "created_at, updated_at, deleted_at";
constexpr const char* kEventColumns =
    "id, job_id, time, type, from_state, to_state, reason, actor, details";
constexpr const char* kSavepointColumns =
    "id, job_id, kind, trigger_kind, state, requested_by, requested_at, spec_version, cluster_id, "
    "flink_job_id, trigger_id, format, path, size_bytes, completed_at, error";

Job ToJob(const Row& r) {
  Job j;
  j.id = r.Int(0);
  j.name = r.Text(1);
  j.team_id = r.Int(2);
  j.cluster = r.Text(3);
  j.target = r.Text(4);
  j.desired_state = r.Text(5);
  j.spec_version = r.Int(6);
  j.stop_with_savepoint = r.Int(7) != 0;
  j.stop_drain = r.Int(8) != 0;
  j.restart_nonce = r.Int(9);
  j.restore_path = r.Text(10);
  j.revision = r.Int(11);
  j.state = r.Text(12);
  j.status_json = r.Text(13);
  j.status_version = r.Int(14);
  j.created_at = r.Int(15);
  j.updated_at = r.Int(16);
  j.deleted_at = r.Int(17);
  return j;
}

JobEvent ToEvent(const Row& r) {
  return {r.Int(0),  r.Int(1),  r.Int(2),  r.Text(3), r.Text(4),
          r.Text(5), r.Text(6), r.Text(7), r.Text(8)};
}

JobVersion ToVersion(const Row& r) {
  return {r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Int(4)};
}

Savepoint ToSavepoint(const Row& r) {
  Savepoint s;
  s.id = r.Int(0);
  s.job_id = r.Int(1);
  s.kind = r.Text(2);
  s.trigger = r.Text(3);
  s.state = r.Text(4);
  s.requested_by = r.Text(5);
  s.requested_at = r.Int(6);
  s.spec_version = r.Int(7);
  s.cluster_id = r.Text(8);
  s.flink_job_id = r.Text(9);
  s.trigger_id = r.Text(10);
  s.format = r.Text(11);
  s.path = r.Text(12);
  s.size_bytes = r.Int(13);
  s.completed_at = r.Int(14);
  s.error = r.Text(15);
  return s;
}

Value TeamValue(int64_t team_id) {
  return team_id ? Value(team_id) : Value(nullptr);
}

Status InsertEvents(Connection& c, int64_t job_id, const std::vector<JobEvent>& events,
                    int64_t now) {
  for (const auto& e : events) {
    SLUICE_RETURN_IF_ERROR(c.Execute(
        "INSERT INTO job_events (job_id, time, type, from_state, to_state, reason, actor, details) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {job_id, e.time ? e.time : now, e.type, e.from_state, e.to_state, e.reason, e.actor,
         e.details_json}));
  }
  return Status::Ok();
}

// Bumps the revision of a live job from `expected`; kConflict or kNotFound otherwise.
Status BumpRevision(Connection& c, const std::string& where_sql, const std::vector<Value>& params,
                    const std::string& name, int64_t expected) {
  SLUICE_ASSIGN_OR_RETURN(int64_t n, c.Execute(where_sql, params));
  if (n == 1) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(
      auto rows, c.Query("SELECT revision FROM jobs WHERE name = $1 AND deleted_at = 0", {name}));
  if (rows.empty()) return NotFound("job \"" + name + "\" not found");
  return Conflict("job \"" + name + "\" was changed concurrently: expected revision " +
                  std::to_string(expected) + ", now " + std::to_string(rows[0].Int(0)))
      .Hint("read the job again and reapply the change");
}

}  // namespace

Result<Job> Store::CreateJob(Job job, const JobVersion& first) {
  int64_t now = NowMillis();
  job.created_at = job.updated_at = now;
  job.spec_version = 1;
  job.revision = 1;
  job.deleted_at = 0;
  job.status_version = 0;
  Status st = db_->Transaction([&](Connection& c) -> Status {
    auto rows = c.Query(
        "INSERT INTO jobs (name, team_id, cluster, target, desired_state, state, spec_version, "
        "status, revision, created_at, updated_at, stop_with_savepoint, stop_drain, restart_nonce, "
        "restore_path) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, 1, $8, $8, $9, $10, $11, $12) "
        "RETURNING id",
        {job.name, TeamValue(job.team_id), job.cluster, job.target, job.desired_state, job.state,
         job.status_json, now, int64_t{job.stop_with_savepoint}, int64_t{job.stop_drain},
         job.restart_nonce, job.restore_path});
    if (!rows.ok()) {
      if (rows.error().code == ErrorCode::kAlreadyExists) {
        return AlreadyExists("job \"" + job.name + "\" already exists")
            .Hint("choose another name, or update the existing job");
      }
      return std::move(rows).error();
    }
    job.id = (*rows)[0].Int(0);
    SLUICE_RETURN_IF_ERROR(
        c.Execute("INSERT INTO job_versions (job_id, version, spec, created_by, created_at) VALUES "
                  "($1, 1, $2, $3, $4)",
                  {job.id, first.spec_json, first.created_by, now}));
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return job;
}

Result<Job> Store::GetJob(int64_t id) {
  return QueryOne<Job>(*db_, "SELECT " + std::string(kJobColumns) + " FROM jobs WHERE id = $1",
                       {id}, ToJob, "job " + std::to_string(id));
}

Result<Job> Store::FindJob(const std::string& name) {
  return QueryOne<Job>(
      *db_, "SELECT " + std::string(kJobColumns) + " FROM jobs WHERE name = $1 AND deleted_at = 0",
      {name}, ToJob, "job \"" + name + "\"");
}

Result<JobPage> Store::ListJobs(const JobFilter& f) {
  std::string sql =
      "SELECT " + std::string(kJobColumns) + " FROM jobs WHERE deleted_at = 0 AND id > $1";
  std::vector<Value> params = {f.after_id};
  auto add = [&](const std::string& clause, Value v) {
    params.push_back(std::move(v));
    sql += " AND " + clause + " $" + std::to_string(params.size());
  };
  if (f.team_id) add("team_id =", f.team_id);
  if (!f.state.empty()) add("state =", f.state);
  if (!f.target.empty()) add("target =", f.target);
  if (f.restricted) {
    sql += " AND (team_id IS NULL";
    if (!f.visible_teams.empty()) {
      sql += " OR team_id IN (";
      for (size_t i = 0; i < f.visible_teams.size(); ++i) {
        params.push_back(f.visible_teams[i]);
        sql += (i ? ", $" : "$") + std::to_string(params.size());
      }
      sql += ")";
    }
    sql += ")";
  }
  if (!f.text.empty()) {
    std::string pattern = "%";
    for (char ch : f.text) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += ch;
    }
    pattern += "%";
    params.push_back(pattern);
    sql += " AND LOWER(name) LIKE LOWER($" + std::to_string(params.size()) + ") ESCAPE '\\'";
  }
  int limit = std::clamp(f.limit, 1, 1000);
  params.push_back(int64_t{limit + 1});
  sql += " ORDER BY id LIMIT $" + std::to_string(params.size());
  SLUICE_ASSIGN_OR_RETURN(auto jobs, QueryAll<Job>(*db_, sql, params, ToJob));
  JobPage page;
  if (static_cast<int>(jobs.size()) > limit) {
    jobs.resize(static_cast<size_t>(limit));
    page.next_cursor = jobs.back().id;
  }
  page.jobs = std::move(jobs);
  return page;
}

Result<Job> Store::AddJobVersion(const std::string& name, int64_t expected_revision, JobVersion v) {
  int64_t now = NowMillis();
  Job job;
  Status st = db_->Transaction([&](Connection& c) -> Status {
    SLUICE_RETURN_IF_ERROR(BumpRevision(
        c,
        "UPDATE jobs SET spec_version = spec_version + 1, revision = revision + 1, updated_at = $3 "
        "WHERE name = $1 AND deleted_at = 0 AND revision = $2",
        {name, expected_revision, now}, name, expected_revision));
    SLUICE_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + std::string(kJobColumns) +
                                                   " FROM jobs WHERE name = $1 AND deleted_at = 0",
                                               {name}));
    job = ToJob(rows.at(0));
    SLUICE_RETURN_IF_ERROR(
        c.Execute("INSERT INTO job_versions (job_id, version, spec, created_by, created_at) VALUES "
                  "($1, $2, $3, $4, $5)",
                  {job.id, job.spec_version, v.spec_json, v.created_by, now}));
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return job;
}

Result<Job> Store::UpdateJobSpec(const Job& in, JobVersion v, const std::vector<JobEvent>& events) {
  int64_t now = NowMillis();
  Status st = db_->Transaction([&](Connection& c) -> Status {
    SLUICE_RETURN_IF_ERROR(BumpRevision(
        c,
        "UPDATE jobs SET team_id = $3, cluster = $4, target = $5, spec_version = spec_version + 1, "
        "revision = revision + 1, updated_at = $6 WHERE id = $1 AND deleted_at = 0 AND "
        "revision = $2",
        {in.id, in.revision, TeamValue(in.team_id), in.cluster, in.target, now}, in.name,
        in.revision));
    SLUICE_ASSIGN_OR_RETURN(auto rows,
                            c.Query("SELECT spec_version FROM jobs WHERE id = $1", {in.id}));
    SLUICE_RETURN_IF_ERROR(c.Execute(
        "INSERT INTO job_versions (job_id, version, spec, created_by, created_at) VALUES ($1, $2, "
        "$3, $4, $5)",
        {in.id, rows.at(0).Int(0), v.spec_json, v.created_by, now}));
    return InsertEvents(c, in.id, events, now);
  });
  if (!st.ok()) return std::move(st).error();
  return GetJob(in.id);
}

Result<Job> Store::UpdateJobIntent(const Job& in, const std::vector<JobEvent>& events) {
  int64_t now = NowMillis();
  Status st = db_->Transaction([&](Connection& c) -> Status {
    SLUICE_RETURN_IF_ERROR(BumpRevision(
        c,
        "UPDATE jobs SET team_id = $3, cluster = $4, target = $5, desired_state = $6, "
        "stop_with_savepoint = $7, stop_drain = $8, restart_nonce = $9, restore_path = $10, "
        "revision = revision + 1, updated_at = $11 WHERE id = $1 AND deleted_at = 0 AND "
        "revision = $2",
        {in.id, in.revision, TeamValue(in.team_id), in.cluster, in.target, in.desired_state,
         int64_t{in.stop_with_savepoint}, int64_t{in.stop_drain}, in.restart_nonce, in.restore_path,
         now},
        in.name, in.revision));
    return InsertEvents(c, in.id, events, now);
  });
  if (!st.ok()) return std::move(st).error();
  return GetJob(in.id);
}

Result<Job> Store::UpdateJobStatus(int64_t job_id, int64_t expected_status_version,
                                   const std::string& state, const std::string& status_json,
                                   const std::vector<JobEvent>& events) {
  int64_t now = NowMillis();
  Status st = db_->Transaction([&](Connection& c) -> Status {
    SLUICE_ASSIGN_OR_RETURN(
        int64_t n,
        c.Execute("UPDATE jobs SET state = $3, status = $4, status_version = status_version + 1, "
                  "updated_at = $5 WHERE id = $1 AND status_version = $2",
                  {job_id, expected_status_version, state, status_json, now}));
    if (n == 0) {
      SLUICE_ASSIGN_OR_RETURN(auto rows,
                              c.Query("SELECT status_version FROM jobs WHERE id = $1", {job_id}));
      if (rows.empty()) return NotFound("job " + std::to_string(job_id) + " not found");
      return Conflict("the status of job " + std::to_string(job_id) +
                      " was written concurrently: expected status version " +
                      std::to_string(expected_status_version) + ", now " +
                      std::to_string(rows[0].Int(0)));
    }
    return InsertEvents(c, job_id, events, now);
  });
  if (!st.ok()) return std::move(st).error();
  return GetJob(job_id);
}

Status Store::MarkJobDeleted(int64_t id, int64_t expected_revision, int64_t now) {
  SLUICE_ASSIGN_OR_RETURN(Job job, GetJob(id));
  return db_->Transaction([&](Connection& c) -> Status {
    return BumpRevision(c,
                        "UPDATE jobs SET deleted_at = $3, revision = revision + 1, updated_at = $3 "
                        "WHERE id = $1 AND revision = $2 AND deleted_at = 0",
                        {id, expected_revision, now}, job.name, expected_revision);
  });
}

Result<std::vector<JobVersion>> Store::ListJobVersions(int64_t job_id) {
  return QueryAll<JobVersion>(
      *db_,
      "SELECT job_id, version, spec, created_by, created_at FROM job_versions WHERE job_id = $1 "
      "ORDER BY version",
      {job_id}, ToVersion);
}

Result<JobVersion> Store::GetJobVersion(int64_t job_id, int64_t version) {
  return QueryOne<JobVersion>(
      *db_,
      "SELECT job_id, version, spec, created_by, created_at FROM job_versions WHERE job_id = $1 "
      "AND version = $2",
      {job_id, version}, ToVersion, "version " + std::to_string(version));
}

Result<JobEvent> Store::AppendEvent(JobEvent e) {
  if (!e.time) e.time = NowMillis();
  auto r = QueryOne<int64_t>(
      *db_,
      "INSERT INTO job_events (job_id, time, type, from_state, to_state, reason, actor, details) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {e.job_id, e.time, e.type, e.from_state, e.to_state, e.reason, e.actor, e.details_json},
      [](const Row& row) { return row.Int(0); }, "event");
  if (!r.ok()) {
    if (r.error().code == ErrorCode::kFailedPrecondition)
      return NotFound("job " + std::to_string(e.job_id) + " not found");
    return std::move(r).error();
  }
  e.id = *r;
  return e;
}

Result<std::vector<JobEvent>> Store::ListJobEvents(int64_t job_id, int64_t after_id, int limit) {
  return QueryAll<JobEvent>(
      *db_,
      "SELECT " + std::string(kEventColumns) +
          " FROM job_events WHERE job_id = $1 AND id > $2 ORDER BY id LIMIT $3",
      {job_id, after_id, int64_t{std::clamp(limit, 1, 10000)}}, ToEvent);
}

Result<std::vector<JobEvent>> Store::ListEventsSince(int64_t after_id, int limit) {
  return QueryAll<JobEvent>(*db_,
                            "SELECT " + std::string(kEventColumns) +
                                " FROM job_events WHERE id > $1 ORDER BY id LIMIT $2",
                            {after_id, int64_t{std::clamp(limit, 1, 10000)}}, ToEvent);
}

Result<int64_t> Store::LatestEventId() {
  return QueryCount(*db_, "SELECT COALESCE(MAX(id), 0) FROM job_events", {});
}

Result<int64_t> Store::CountJobsUsingCluster(const std::string& cluster) {
  return QueryCount(*db_, "SELECT COUNT(*) FROM jobs WHERE cluster = $1 AND deleted_at = 0",
                    {cluster});
}

// ---- savepoints ----

Result<Savepoint> Store::CreateSavepoint(Savepoint s) {
  if (!s.requested_at) s.requested_at = NowMillis();
  auto id = QueryOne<int64_t>(
      *db_,
      "INSERT INTO savepoints (job_id, kind, trigger_kind, state, requested_by, requested_at, "
      "spec_version, cluster_id, flink_job_id, trigger_id, format, path, size_bytes, completed_at, "
      "error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING "
      "id",
      {s.job_id, s.kind, s.trigger, s.state, s.requested_by, s.requested_at, s.spec_version,
       s.cluster_id, s.flink_job_id, s.trigger_id, s.format, s.path, s.size_bytes, s.completed_at,
       s.error},
      [](const Row& r) { return r.Int(0); }, "savepoint");
  if (!id.ok()) {
    if (id.error().code == ErrorCode::kFailedPrecondition) {
      return NotFound("job " + std::to_string(s.job_id) + " not found");
    }
    return std::move(id).error();
  }
  s.id = *id;
  return s;
}

Status Store::UpdateSavepoint(const Savepoint& s) {
  return ExecuteOne(
      *db_,
      "UPDATE savepoints SET state = $2, spec_version = $3, cluster_id = $4, flink_job_id = $5, "
      "trigger_id = $6, format = $7, path = $8, size_bytes = $9, completed_at = $10, error = $11 "
      "WHERE id = $1",
      {s.id, s.state, s.spec_version, s.cluster_id, s.flink_job_id, s.trigger_id, s.format, s.path,
       s.size_bytes, s.completed_at, s.error},
      "savepoint " + std::to_string(s.id));
}

Result<Savepoint> Store::GetSavepoint(int64_t id) {
  return QueryOne<Savepoint>(
      *db_, "SELECT " + std::string(kSavepointColumns) + " FROM savepoints WHERE id = $1", {id},
      ToSavepoint, "savepoint " + std::to_string(id));
}

Result<std::vector<Savepoint>> Store::ListSavepoints(int64_t job_id) {
  return QueryAll<Savepoint>(
      *db_,
      "SELECT " + std::string(kSavepointColumns) + " FROM savepoints WHERE job_id = $1 ORDER BY id",
      {job_id}, ToSavepoint);
}

Result<std::vector<Savepoint>> Store::ListSavepointsInState(const std::string& state, int limit) {
  return QueryAll<Savepoint>(*db_,
                             "SELECT " + std::string(kSavepointColumns) +
                                 " FROM savepoints WHERE state = $1 ORDER BY id LIMIT $2",
                             {state, int64_t{std::clamp(limit, 1, 10000)}}, ToSavepoint);
}

}  // namespace sluice::store
