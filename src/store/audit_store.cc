// The store's audit area: append-only entries, listed newest first with filters and a cursor.
#include <algorithm>

#include "common/time.h"
#include "store/query.h"
#include "store/store.h"

namespace sluice::store {
namespace {

constexpr const char* kAuditColumns =
    "id, time, actor, actor_kind, action, target_kind, target_name, team, remote_address, "
    "request_id, result, http_status, details";

AuditEntry ToAudit(const Row& r) {
  return {r.Int(0),  r.Int(1),  r.Text(2), r.Text(3), r.Text(4),  r.Text(5),
          r.Text(6), r.Text(7), r.Text(8), r.Text(9), r.Text(10), static_cast<int>(r.Int(11)),
          r.Text(12)};
}

std::string LikePrefix(const std::string& prefix) {
  std::string out;
  for (char ch : prefix) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "%";
}

}  // namespace

Result<AuditEntry> Store::AppendAudit(AuditEntry e) {
  if (!e.time) e.time = NowMillis();
  auto id = QueryOne<int64_t>(
      *db_,
      "INSERT INTO audit_log (time, actor, actor_kind, action, target_kind, target_name, team, "
      "remote_address, request_id, result, http_status, details) VALUES ($1, $2, $3, $4, $5, $6, "
      "$7, $8, $9, $10, $11, $12) RETURNING id",
      {e.time, e.actor, e.actor_kind, e.action, e.target_kind, e.target_name, e.team,
       e.remote_address, e.request_id, e.result, int64_t{e.http_status}, e.details_json},
      [](const Row& r) { return r.Int(0); }, "audit entry");
  if (!id.ok()) return std::move(id).error();
  e.id = *id;
  return e;
}

Result<AuditPage> Store::ListAudit(const AuditFilter& f) {
  std::string sql = "SELECT " + std::string(kAuditColumns) + " FROM audit_log WHERE 1 = 1";
  std::vector<Value> params;
  auto add = [&](const std::string& clause, Value v) {
    params.push_back(std::move(v));
    sql += " AND " + clause + " $" + std::to_string(params.size());
  };
  if (f.before_id) add("id <", f.before_id);
  if (!f.actor.empty()) add("actor =", f.actor);
  if (!f.action.empty()) add("action =", f.action);
  if (!f.action_prefix.empty()) {
    params.push_back(LikePrefix(f.action_prefix));
    sql += " AND action LIKE $" + std::to_string(params.size()) + " ESCAPE '\\'";
  }
  if (!f.target_kind.empty()) add("target_kind =", f.target_kind);
  if (!f.target_name.empty()) add("target_name =", f.target_name);
  if (!f.team.empty()) add("team =", f.team);
  if (!f.result.empty()) add("result =", f.result);
  if (f.since) add("time >=", f.since);
  if (f.until) add("time <=", f.until);
  if (!f.teams_only.empty()) {
    sql += " AND team IN (";
    for (size_t i = 0; i < f.teams_only.size(); ++i) {
      params.push_back(f.teams_only[i]);
      sql += (i ? ", $" : "$") + std::to_string(params.size());
    }
    sql += ")";
  }
  int limit = std::clamp(f.limit, 1, 1000);
  params.push_back(int64_t{limit + 1});
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
  SLUICE_ASSIGN_OR_RETURN(auto entries, QueryAll<AuditEntry>(*db_, sql, params, ToAudit));
  AuditPage page;
  if (static_cast<int>(entries.size()) > limit) {
    entries.resize(static_cast<size_t>(limit));
    page.next_cursor = entries.back().id;
  }
  page.entries = std::move(entries);
  return page;
}

}  // namespace sluice::store
