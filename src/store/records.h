// The rows the store keeps. Times are Unix milliseconds; JSON columns are kept as text
// so both back ends store them the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::store {

struct User {
  int64_t id = 0;
  std::string name;
  std::string display_name;
  std::string password_hash;  // argon2id, as produced by libsodium
  bool is_admin = false;
  bool disabled = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct Team {
  int64_t id = 0;
  std::string name;
  std::string description;
  int64_t created_at = 0;
};

struct Membership {
  int64_t team_id = 0;
  int64_t user_id = 0;
  std::string role;  // viewer, developer, admin
};

struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string token_hash;  // never the token itself
  std::string scopes_json = "[]";
  int64_t created_at = 0;
  int64_t expires_at = 0;  // 0: never
  int64_t revoked_at = 0;  // 0: live
  int64_t last_used_at = 0;
};

struct Cluster {
  int64_t id = 0;
  std::string name;
  std::string kind;  // kubernetes, yarn, standalone, flink-version, ...
  std::string config_json = "{}";
  std::string secrets;            // encrypted at rest by the caller; never returned by the API
  std::string teams_json = "[]";  // teams allowed to use it; [] means all
  int64_t revision = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A job has two halves. What the user wants (the intent) is written by the API; every such
// write bumps `revision`, and writers pass the revision they read. What Sluice observed and
// did (the status) is written by the reconciler; it bumps `status_version` instead, so
// status updates never make a user's edit conflict.
struct Job {
  int64_t id = 0;
  std::string name;
  int64_t team_id = 0;  // 0: no team
  std::string cluster;
  std::string target;
  // Intent.
  std::string desired_state;        // RUNNING, SUSPENDED, CANCELED, DELETED
  int64_t spec_version = 0;         // the version to run
  bool stop_with_savepoint = true;  // how to leave RUNNING (SUSPENDED always takes one)
  bool stop_drain = false;          // stop with MAX_WATERMARK first
  int64_t restart_nonce = 0;        // bumped to redeploy the current version
  std::string restore_path;         // state for the next (re)deploy; "" = the latest
  int64_t revision = 0;
  // Status.
  std::string state;  // DRAFT, DEPLOYING, RUNNING, FAILED, FINISHED, ...
  std::string status_json = "{}";
  int64_t status_version = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t deleted_at = 0;
};

struct JobVersion {
  int64_t job_id = 0;
  int64_t version = 0;
  std::string spec_json;
  std::string created_by;
  int64_t created_at = 0;
};

struct JobEvent {
  int64_t id = 0;
  int64_t job_id = 0;
  int64_t time = 0;
  std::string type;
  std::string from_state;
  std::string to_state;
  std::string reason;
  std::string actor;
  std::string details_json = "{}";
};

// A savepoint (or a retained checkpoint Sluice recorded), from request to disposal. The
// trigger id is chosen and stored before Flink is asked, so a retried trigger is the same.
struct Savepoint {
  int64_t id = 0;
  int64_t job_id = 0;
  std::string kind = "savepoint";  // savepoint, checkpoint
  std::string trigger;             // manual, schedule, stop, upgrade, cancel, delete
  std::string state;               // REQUESTED, IN_PROGRESS, COMPLETED, FAILED, DISPOSED
  std::string requested_by;
  int64_t requested_at = 0;
  int64_t spec_version = 0;  // the version that was running
  std::string cluster_id;
  std::string flink_job_id;
  std::string trigger_id;
  std::string format = "CANONICAL";
  std::string path;
  int64_t size_bytes = 0;
  int64_t completed_at = 0;
  std::string error;
};

// Which replica reconciles a job, until when. `generation` grows every time the lease
// changes hands (a fencing token); renewing by the same holder keeps it. A released
// lease keeps its row with an empty holder, so generations never go back.
struct Lease {
  int64_t job_id = 0;
  std::string holder;  // replica id; "" when released
  int64_t expires_at = 0;
  int64_t acquired_at = 0;  // when the current holder took it
  int64_t generation = 0;
};

struct JobFilter {
  int64_t team_id = 0;  // 0: any
  std::string state;    // "": any
  std::string target;   // "": any
  std::string text;     // substring of the name
  // When `restricted`: only jobs of these teams, and jobs without a team (what a caller
  // who is not a global reader may see).
  bool restricted = false;
  std::vector<int64_t> visible_teams;
  int64_t after_id = 0;  // cursor: jobs with a larger id
  int limit = 50;
};

struct JobPage {
  std::vector<Job> jobs;
  int64_t next_cursor = 0;  // 0: no more
};

// A browser session. The store keeps a digest of the cookie, never the cookie itself.
struct Session {
  std::string id_hash;
  int64_t user_id = 0;
  std::string csrf_token;  // sent back by the browser in X-CSRF-Token
  int64_t created_at = 0;
  int64_t expires_at = 0;    // absolute end
  int64_t last_seen_at = 0;  // for the idle timeout
  std::string remote_address;
  std::string user_agent;
};

struct TeamRole {
  std::string team;
  std::string role;
};

struct TeamMember {
  std::string user;
  std::string role;
};

// One line of the audit log: who did what to which object, from where, and how it ended.
struct AuditEntry {
  int64_t id = 0;
  int64_t time = 0;
  std::string actor;        // user name, or "anonymous"
  std::string actor_kind;   // anonymous, session, token, basic, system
  std::string action;       // e.g. cluster.create, auth.login
  std::string target_kind;  // e.g. cluster, team, user, token
  std::string target_name;
  std::string team;  // the team the target belongs to, "" if none or several
  std::string remote_address;
  std::string request_id;
  std::string result;  // success, denied, failure
  int http_status = 0;
  std::string details_json = "{}";
};

struct AuditFilter {
  std::string actor, action, action_prefix, target_kind, target_name, team, result;
  std::vector<std::string> teams_only;  // when not empty: entries of these teams only
  int64_t since = 0, until = 0;         // times, inclusive; 0: open
  int64_t before_id = 0;                // cursor: entries older than this id; 0: newest
  int limit = 50;
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first
  int64_t next_cursor = 0;          // 0: no more
};

}  // namespace sluice::store
