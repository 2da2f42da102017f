// The store's access area: team lookups for authorization, tokens by id, browser sessions.
#include "store/query.h"
#include "store/store.h"

namespace sluice::store {
namespace {

constexpr const char* kSessionColumns =
    "id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, remote_address, "
    "user_agent";

Session ToSession(const Row& r) {
  return {r.Text(0), r.Int(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5), r.Text(6), r.Text(7)};
}

}  // namespace

Result<Team> Store::GetTeam(int64_t id) {
  return QueryOne<Team>(
      *db_, "SELECT id, name, description, created_at FROM teams WHERE id = $1", {id},
      [](const Row& r) {
        return Team{r.Int(0), r.Text(1), r.Text(2), r.Int(3)};
      },
      "team " + std::to_string(id));
}

Result<std::vector<TeamRole>> Store::TeamRolesOfUser(int64_t user_id) {
  return QueryAll<TeamRole>(*db_,
                            "SELECT t.name, m.role FROM team_members m JOIN teams t ON t.id = "
                            "m.team_id WHERE m.user_id = $1 ORDER BY t.name",
                            {user_id}, [](const Row& r) {
                              return TeamRole{r.Text(0), r.Text(1)};
                            });
}

Result<std::vector<TeamMember>> Store::ListTeamMembers(int64_t team_id) {
  return QueryAll<TeamMember>(*db_,
                              "SELECT u.name, m.role FROM team_members m JOIN users u ON u.id = "
                              "m.user_id WHERE m.team_id = $1 ORDER BY u.name",
                              {team_id}, [](const Row& r) {
                                return TeamMember{r.Text(0), r.Text(1)};
                              });
}

Result<int64_t> Store::CountActiveAdmins() {
  return QueryCount(*db_, "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND disabled = 0", {});
}

Result<ApiToken> Store::GetToken(int64_t id) {
  return QueryOne<ApiToken>(
      *db_,
      "SELECT id, user_id, name, token_hash, scopes, created_at, expires_at, revoked_at, "
      "last_used_at FROM api_tokens WHERE id = $1",
      {id},
      [](const Row& r) {
        return ApiToken{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4),
                        r.Int(5), r.Int(6), r.Int(7),  r.Int(8)};
      },
      "token " + std::to_string(id));
}

// ---- sessions ----

Status Store::CreateSession(const Session& s) {
  return db_->WithConnection([&](Connection& c) -> Status {
    auto r = c.Execute("INSERT INTO sessions (" + std::string(kSessionColumns) +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                       {s.id_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at,
                        s.last_seen_at, s.remote_address, s.user_agent});
    if (!r.ok()) {
      if (r.error().code == ErrorCode::kFailedPrecondition) return NotFound("user not found");
      return std::move(r).error();
    }
    return Status::Ok();
  });
}

Result<Session> Store::FindSession(const std::string& id_hash) {
  return QueryOne<Session>(
      *db_, "SELECT " + std::string(kSessionColumns) + " FROM sessions WHERE id_hash = $1",
      {id_hash}, ToSession, "session");
}

Status Store::TouchSession(const std::string& id_hash, int64_t now) {
  return ExecuteOne(*db_, "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
                    {id_hash, now}, "session");
}

Status Store::DeleteSession(const std::string& id_hash) {
  return ExecuteOne(*db_, "DELETE FROM sessions WHERE id_hash = $1", {id_hash}, "session");
}

Result<int64_t> Store::DeleteSessionsOfUser(int64_t user_id) {
  int64_t n = 0;
  Status st = db_->WithConnection([&](Connection& c) -> Status {
    SLUICE_ASSIGN_OR_RETURN(n, c.Execute("DELETE FROM sessions WHERE user_id = $1", {user_id}));
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return n;
}

Result<int64_t> Store::DeleteExpiredSessions(int64_t now, int64_t idle_cutoff) {
  int64_t n = 0;
  Status st = db_->WithConnection([&](Connection& c) -> Status {
    SLUICE_ASSIGN_OR_RETURN(
        n, c.Execute("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2",
                     {now, idle_cutoff}));
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return n;
}

}  // namespace sluice::store
