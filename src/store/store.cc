#include "store/store.h"

#include "common/time.h"
#include "store/migrations.h"
#include "store/query.h"

namespace sluice::store {
namespace {

constexpr const char* kUserColumns =
    "id, name, display_name, password_hash, is_admin, disabled, created_at, updated_at";
constexpr const char* kTokenColumns =
    "id, user_id, name, token_hash, scopes, created_at, expires_at, revoked_at, last_used_at";
constexpr const char* kClusterColumns =
    "id, name, kind, config, secrets, teams, revision, created_at, updated_at";

User ToUser(const Row& r) {
  return {r.Int(0),      r.Text(1),     r.Text(2), r.Text(3),
          r.Int(4) != 0, r.Int(5) != 0, r.Int(6),  r.Int(7)};
}
ApiToken ToToken(const Row& r) {
  return {r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4),
          r.Int(5), r.Int(6), r.Int(7),  r.Int(8)};
}
Cluster ToCluster(const Row& r) {
  return {r.Int(0),  r.Text(1), r.Text(2), r.Text(3), r.Text(4),
          r.Text(5), r.Int(6),  r.Int(7),  r.Int(8)};
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, int pool_size) {
  SLUICE_ASSIGN_OR_RETURN(auto db, OpenDatabase(url, pool_size));
  SLUICE_RETURN_IF_ERROR(Migrate(*db));
  return std::make_unique<Store>(std::move(db));
}

Status Store::Ping() {
  return db_->WithConnection([](Connection& c) -> Status {
    SLUICE_RETURN_IF_ERROR(c.Query("SELECT 1", {}));
    return Status::Ok();
  });
}

Result<int> Store::SchemaVersion() {
  return CurrentSchemaVersion(*db_);
}

// ---- users, teams ----

Result<User> Store::CreateUser(User u) {
  int64_t now = NowMillis();
  u.created_at = u.updated_at = now;
  auto r = QueryOne<int64_t>(
      *db_,
      "INSERT INTO users (name, display_name, password_hash, is_admin, disabled, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {u.name, u.display_name, u.password_hash, int64_t{u.is_admin}, int64_t{u.disabled}, now, now},
      [](const Row& row) { return row.Int(0); }, "user");
  if (!r.ok()) {
    if (r.error().code == ErrorCode::kAlreadyExists)
      return AlreadyExists("user \"" + u.name + "\" already exists");
    return std::move(r).error();
  }
  u.id = *r;
  return u;
}

Result<User> Store::GetUser(int64_t id) {
  return QueryOne<User>(*db_, "SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1",
                        {id}, ToUser, "user " + std::to_string(id));
}

Result<User> Store::FindUser(const std::string& name) {
  return QueryOne<User>(*db_, "SELECT " + std::string(kUserColumns) + " FROM users WHERE name = $1",
                        {name}, ToUser, "user \"" + name + "\"");
}

Result<std::vector<User>> Store::ListUsers() {
  return QueryAll<User>(*db_, "SELECT " + std::string(kUserColumns) + " FROM users ORDER BY name",
                        {}, ToUser);
}

Status Store::UpdateUser(const User& u) {
  return ExecuteOne(*db_,
                    "UPDATE users SET display_name = $2, password_hash = $3, is_admin = $4, "
                    "disabled = $5, updated_at = $6 WHERE id = $1",
                    {u.id, u.display_name, u.password_hash, int64_t{u.is_admin},
                     int64_t{u.disabled}, NowMillis()},
                    "user \"" + u.name + "\"");
}

Result<int64_t> Store::CountUsers() {
  return QueryOne<int64_t>(
      *db_, "SELECT COUNT(*) FROM users", {}, [](const Row& r) { return r.Int(0); }, "count");
}

Result<Team> Store::CreateTeam(Team t) {
  t.created_at = NowMillis();
  auto r = QueryOne<int64_t>(
      *db_, "INSERT INTO teams (name, description, created_at) VALUES ($1, $2, $3) RETURNING id",
      {t.name, t.description, t.created_at}, [](const Row& row) { return row.Int(0); }, "team");
  if (!r.ok()) {
    if (r.error().code == ErrorCode::kAlreadyExists)
      return AlreadyExists("team \"" + t.name + "\" already exists");
    return std::move(r).error();
  }
  t.id = *r;
  return t;
}

static Team ToTeam(const Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Int(3)};
}

Result<Team> Store::FindTeam(const std::string& name) {
  return QueryOne<Team>(*db_, "SELECT id, name, description, created_at FROM teams WHERE name = $1",
                        {name}, ToTeam, "team \"" + name + "\"");
}

Result<std::vector<Team>> Store::ListTeams() {
  return QueryAll<Team>(*db_, "SELECT id, name, description, created_at FROM teams ORDER BY name",
                        {}, ToTeam);
}

Status Store::SetMembership(const Membership& m) {
  return db_->WithConnection([&](Connection& c) -> Status {
    auto r = c.Execute(
        "INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3) "
        "ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role",
        {m.team_id, m.user_id, m.role});
    if (!r.ok()) {
      if (r.error().code == ErrorCode::kFailedPrecondition)
        return NotFound("team or user not found");
      return std::move(r).error();
    }
    return Status::Ok();
  });
}

Status Store::RemoveMembership(int64_t team_id, int64_t user_id) {
  return ExecuteOne(*db_, "DELETE FROM team_members WHERE team_id = $1 AND user_id = $2",
                    {team_id, user_id}, "membership");
}

static Membership ToMembership(const Row& r) {
  return {r.Int(0), r.Int(1), r.Text(2)};
}

Result<std::vector<Membership>> Store::MembershipsOfUser(int64_t user_id) {
  return QueryAll<Membership>(
      *db_, "SELECT team_id, user_id, role FROM team_members WHERE user_id = $1 ORDER BY team_id",
      {user_id}, ToMembership);
}

Result<std::vector<Membership>> Store::MembersOfTeam(int64_t team_id) {
  return QueryAll<Membership>(
      *db_, "SELECT team_id, user_id, role FROM team_members WHERE team_id = $1 ORDER BY user_id",
      {team_id}, ToMembership);
}

// ---- tokens ----

Result<ApiToken> Store::CreateToken(ApiToken t) {
  t.created_at = NowMillis();
  auto r = QueryOne<int64_t>(
      *db_,
      "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {t.user_id, t.name, t.token_hash, t.scopes_json, t.created_at, t.expires_at},
      [](const Row& row) { return row.Int(0); }, "token");
  if (!r.ok()) return std::move(r).error();
  t.id = *r;
  return t;
}

Result<ApiToken> Store::FindTokenByHash(const std::string& hash) {
  return QueryOne<ApiToken>(
      *db_, "SELECT " + std::string(kTokenColumns) + " FROM api_tokens WHERE token_hash = $1",
      {hash}, ToToken, "token");
}

Result<std::vector<ApiToken>> Store::ListTokens(int64_t user_id) {
  return QueryAll<ApiToken>(
      *db_,
      "SELECT " + std::string(kTokenColumns) + " FROM api_tokens WHERE user_id = $1 ORDER BY id",
      {user_id}, ToToken);
}

Status Store::RevokeToken(int64_t id, int64_t now) {
  return ExecuteOne(*db_, "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0",
                    {id, now}, "live token " + std::to_string(id));
}

Status Store::TouchToken(int64_t id, int64_t now) {
  return ExecuteOne(*db_, "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", {id, now},
                    "token " + std::to_string(id));
}

// ---- clusters ----

Result<Cluster> Store::CreateCluster(Cluster c) {
  c.created_at = c.updated_at = NowMillis();
  c.revision = 1;
  auto r = QueryOne<int64_t>(
      *db_,
      "INSERT INTO clusters (name, kind, config, secrets, teams, revision, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
      {c.name, c.kind, c.config_json, c.secrets, c.teams_json, c.created_at},
      [](const Row& row) { return row.Int(0); }, "cluster");
  if (!r.ok()) {
    if (r.error().code == ErrorCode::kAlreadyExists)
      return AlreadyExists("cluster \"" + c.name + "\" already exists");
    return std::move(r).error();
  }
  c.id = *r;
  return c;
}

Result<Cluster> Store::FindCluster(const std::string& name) {
  return QueryOne<Cluster>(
      *db_, "SELECT " + std::string(kClusterColumns) + " FROM clusters WHERE name = $1", {name},
      ToCluster, "cluster \"" + name + "\"");
}

Result<std::vector<Cluster>> Store::ListClusters() {
  return QueryAll<Cluster>(
      *db_, "SELECT " + std::string(kClusterColumns) + " FROM clusters ORDER BY name", {},
      ToCluster);
}

Result<Cluster> Store::UpdateCluster(Cluster c) {
  int64_t now = NowMillis();
  Status st = db_->WithConnection([&](Connection& conn) -> Status {
    SLUICE_ASSIGN_OR_RETURN(
        int64_t n,
        conn.Execute("UPDATE clusters SET kind = $2, config = $3, secrets = $4, teams = $5, "
                     "revision = revision + 1, updated_at = $6 WHERE name = $1 AND revision = $7",
                     {c.name, c.kind, c.config_json, c.secrets, c.teams_json, now, c.revision}));
    if (n == 0) {
      SLUICE_ASSIGN_OR_RETURN(
          auto rows, conn.Query("SELECT revision FROM clusters WHERE name = $1", {c.name}));
      if (rows.empty()) return NotFound("cluster \"" + c.name + "\" not found");
      return Conflict("cluster \"" + c.name + "\" was changed concurrently (now at revision " +
                      std::to_string(rows[0].Int(0)) + ")")
          .Hint("read it again and reapply the change");
    }
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  c.revision += 1;
  c.updated_at = now;
  return c;
}

Status Store::DeleteCluster(const std::string& name) {
  return ExecuteOne(*db_, "DELETE FROM clusters WHERE name = $1", {name},
                    "cluster \"" + name + "\"");
}

}  // namespace sluice::store
