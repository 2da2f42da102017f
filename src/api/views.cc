#include "api/views.h"

#include "common/time.h"

namespace sluice::api {

using json = nlohmann::json;

json TimeJson(int64_t ms) {
  return ms ? json(FormatRfc3339(ms)) : json(nullptr);
}

json UserJson(const store::User& u) {
  return {{"name", u.name},
          {"displayName", u.display_name},
          {"admin", u.is_admin},
          {"disabled", u.disabled},
          {"createdAt", TimeJson(u.created_at)},
          {"updatedAt", TimeJson(u.updated_at)}};
}

json TeamJson(const store::Team& t) {
  return {{"name", t.name}, {"description", t.description}, {"createdAt", TimeJson(t.created_at)}};
}

json TokenJson(const store::ApiToken& t) {
  json scopes = json::parse(t.scopes_json, nullptr, false);
  if (!scopes.is_array()) scopes = json::array();
  return {{"id", t.id},
          {"name", t.name},
          {"scopes", scopes},
          {"createdAt", TimeJson(t.created_at)},
          {"expiresAt", TimeJson(t.expires_at)},
          {"lastUsedAt", TimeJson(t.last_used_at)},
          {"revokedAt", TimeJson(t.revoked_at)}};
}

json AuditJson(const store::AuditEntry& e) {
  json details = json::parse(e.details_json, nullptr, false);
  if (details.is_discarded()) details = json::object();
  return {{"id", e.id},
          {"time", TimeJson(e.time)},
          {"actor", e.actor},
          {"actorKind", e.actor_kind},
          {"action", e.action},
          {"targetKind", e.target_kind},
          {"targetName", e.target_name},
          {"team", e.team},
          {"remoteAddress", e.remote_address},
          {"requestId", e.request_id},
          {"result", e.result},
          {"httpStatus", e.http_status},
          {"details", details}};
}

}  // namespace sluice::api
