// Sluice's persistence. One class over a Database (SQLite by default, PostgreSQL for
// several replicas); no state that matters lives in the process.
//
// Writes that can race carry the revision the caller read and fail with kConflict when
// someone else wrote first.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/database.h"
#include "store/records.h"

namespace sluice::store {

class Store {
 public:
  // Opens the database and applies migrations.
  static Result<std::unique_ptr<Store>> Open(const std::string& url, int pool_size = 4);
  explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Status Ping();
  Result<int> SchemaVersion();
  Database& database() { return *db_; }

  // Users, teams, memberships.
  Result<User> CreateUser(User user);
  Result<User> GetUser(int64_t id);
  Result<User> FindUser(const std::string& name);
  Result<std::vector<User>> ListUsers();
  Status UpdateUser(const User& user);
  Result<int64_t> CountUsers();

  Result<Team> CreateTeam(Team team);
  Result<Team> FindTeam(const std::string& name);
  Result<std::vector<Team>> ListTeams();
  Status SetMembership(const Membership& m);
  Status RemoveMembership(int64_t team_id, int64_t user_id);
  Result<std::vector<Membership>> MembershipsOfUser(int64_t user_id);
  Result<std::vector<Membership>> MembersOfTeam(int64_t team_id);

  // API tokens (by hash only).
  Result<ApiToken> CreateToken(ApiToken token);
  Result<ApiToken> FindTokenByHash(const std::string& hash);
  Result<std::vector<ApiToken>> ListTokens(int64_t user_id);
  Status RevokeToken(int64_t id, int64_t now);
  Status TouchToken(int64_t id, int64_t now);

  // Clusters (targets).
  Result<Cluster> CreateCluster(Cluster cluster);
  Result<Cluster> FindCluster(const std::string& name);
  Result<std::vector<Cluster>> ListClusters();
  Result<Cluster> UpdateCluster(Cluster cluster);  // cluster.revision: the one read
  Status DeleteCluster(const std::string& name);

  // Jobs, their spec versions and events (job_store.cc).
  Result<Job> CreateJob(Job job, const JobVersion& first_version);
  Result<Job> GetJob(int64_t id);
  Result<Job> FindJob(const std::string& name);  // live jobs only
  Result<JobPage> ListJobs(const JobFilter& filter);
  // Adds version spec_version+1 and makes it current.
  Result<Job> AddJobVersion(const std::string& name, int64_t expected_revision, JobVersion version);
  // Adds version spec_version+1 with `version.spec_json`, makes it current and writes the
  // spec-derived intent fields (team, cluster, target) if job.revision is still current,
  // with the events, in one transaction. The API's write for a new or rolled-back spec.
  Result<Job> UpdateJobSpec(const Job& job, JobVersion version,
                            const std::vector<JobEvent>& events = {});
  // Writes the intent half (team, cluster, target, desired state, stop flags, restart nonce,
  // restore path) if job.revision is still current, and appends the events, in one
  // transaction. The API's write.
  Result<Job> UpdateJobIntent(const Job& job, const std::vector<JobEvent>& events = {});
  // Writes the status half (state, status JSON) if the status version is still the one the
  // caller read, and appends the events, in one transaction. The reconciler's write; it does
  // not touch the revision, so it never conflicts with a user's edit.
  Result<Job> UpdateJobStatus(int64_t job_id, int64_t expected_status_version,
                              const std::string& state, const std::string& status_json,
                              const std::vector<JobEvent>& events = {});
  Status MarkJobDeleted(int64_t id, int64_t expected_revision, int64_t now);
  Result<std::vector<JobVersion>> ListJobVersions(int64_t job_id);
  Result<JobVersion> GetJobVersion(int64_t job_id, int64_t version);

  // Savepoints and recorded checkpoints (job_store.cc).
  Result<Savepoint> CreateSavepoint(Savepoint savepoint);
  Status UpdateSavepoint(const Savepoint& savepoint);  // by id
  Result<Savepoint> GetSavepoint(int64_t id);
  Result<std::vector<Savepoint>> ListSavepoints(int64_t job_id);  // oldest first
  Result<std::vector<Savepoint>> ListSavepointsInState(const std::string& state, int limit);

  Result<JobEvent> AppendEvent(JobEvent event);
  Result<std::vector<JobEvent>> ListJobEvents(int64_t job_id, int64_t after_id, int limit);
  Result<std::vector<JobEvent>> ListEventsSince(int64_t after_id, int limit);
  Result<int64_t> LatestEventId();                                    // 0 when there are no events
  Result<int64_t> CountJobsUsingCluster(const std::string& cluster);  // live jobs

  // ---- job leases (lease_store.cc): which replica reconciles which job ----
  // Takes the lease of a job if it is free, expired, released or already `holder`'s (then
  // it is renewed: same generation, new expiry), in one conditional statement, so two
  // replicas racing for it cannot both win. kConflict naming the holder when someone else
  // holds it; kNotFound when the job does not exist. Times are Unix milliseconds.
  Result<Lease> AcquireLease(int64_t job_id, const std::string& holder, int64_t now,
                             int64_t ttl_ms);
  // Extends the leases `holder` still holds among `job_ids` to now + ttl, in one
  // transaction; returns the job ids renewed (the others were lost or released).
  Result<std::vector<int64_t>> RenewLeases(const std::string& holder,
                                           const std::vector<int64_t>& job_ids, int64_t now,
                                           int64_t ttl_ms);
  // Gives the lease up if `holder` holds it (no error otherwise).
  Status ReleaseLease(int64_t job_id, const std::string& holder);
  // Gives up every lease `holder` holds (a replica stopping); returns how many.
  Result<int64_t> ReleaseLeases(const std::string& holder);
  Result<Lease> GetLease(int64_t job_id);
  Result<std::vector<Lease>> ListLeases(const std::string& holder);  // "" : every lease
  // Live (not deleted) jobs with an id greater than `after_id`, by id: the jobs a
  // controller must keep reconciling.
  Result<std::vector<int64_t>> ListReconcilableJobs(int64_t after_id, int limit);

  // ---- access (auth_store.cc) ----
  Result<Team> GetTeam(int64_t id);
  Result<std::vector<TeamRole>> TeamRolesOfUser(int64_t user_id);    // by team name
  Result<std::vector<TeamMember>> ListTeamMembers(int64_t team_id);  // by user name
  Result<int64_t> CountActiveAdmins();  // enabled users with the admin flag
  Result<ApiToken> GetToken(int64_t id);

  // Browser sessions, by the digest of their id.
  Status CreateSession(const Session& session);
  Result<Session> FindSession(const std::string& id_hash);
  Status TouchSession(const std::string& id_hash, int64_t now);
  Status DeleteSession(const std::string& id_hash);
  Result<int64_t> DeleteSessionsOfUser(int64_t user_id);
  // Removes sessions past their absolute end or idle since before `idle_cutoff`.
  Result<int64_t> DeleteExpiredSessions(int64_t now, int64_t idle_cutoff);

  // ---- audit log (audit_store.cc) ----
  Result<AuditEntry> AppendAudit(AuditEntry entry);
  Result<AuditPage> ListAudit(const AuditFilter& filter);

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace sluice::store
