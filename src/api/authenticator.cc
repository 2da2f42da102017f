#include "api/authenticator.h"

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/log.h"
#include "common/strings.h"

namespace sluice::api {
namespace {

// ["*"] (or anything unreadable as a list) means "all of the user's permissions".
std::optional<PermissionSet> ParseScopes(const std::string& scopes_json) {
  auto j = nlohmann::json::parse(scopes_json, nullptr, false);
  if (!j.is_array()) return std::nullopt;
  PermissionSet set;
  for (const auto& s : j) {
    if (!s.is_string()) continue;
    if (s == "*") return std::nullopt;
    if (auto p = ParsePermission(s.get<std::string>())) set.set(static_cast<size_t>(*p));
  }
  return set;
}

}  // namespace

std::optional<std::string> Authenticator::BearerToken(const http::Request& req) {
  std::string h = std::string(Trim(req.Header("Authorization")));
  if (h.size() < 7 || !EqualsIgnoreCase(h.substr(0, 7), "Bearer ")) return std::nullopt;
  return std::string(Trim(h.substr(7)));
}

std::optional<std::string> Authenticator::Cookie(const http::Request& req, std::string_view name) {
  for (const auto& part : Split(req.Header("Cookie"), ';')) {
    std::string_view kv = Trim(part);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(kv.substr(0, eq)) == name) return std::string(Trim(kv.substr(eq + 1)));
  }
  return std::nullopt;
}

Result<Principal> Authenticator::Authenticate(const http::Request& req) {
  if (auto token = BearerToken(req)) return FromToken(*token);
  if (!req.Header("Authorization").empty()) {
    return Unauthenticated("unsupported Authorization scheme")
        .Hint("send Authorization: Bearer <token>");
  }
  if (auto session = Cookie(req, kSessionCookie); session && !session->empty()) {
    return FromSession(*session);
  }
  return Principal{};
}

Result<Principal> Authenticator::ForUser(int64_t user_id, Principal::Kind kind) {
  auto user = store_.GetUser(user_id);
  if (!user.ok()) {
    if (user.error().code == ErrorCode::kNotFound)
      return Unauthenticated("the user no longer exists");
    return std::move(user).error();
  }
  if (user->disabled) return Unauthenticated("user " + Quote(user->name) + " is disabled");
  SLUICE_ASSIGN_OR_RETURN(auto roles, store_.TeamRolesOfUser(user_id));
  Principal p;
  p.kind = kind;
  p.user_id = user->id;
  p.name = user->name;
  p.is_admin = user->is_admin;
  for (const auto& tr : roles) {
    auto role = ParseRole(tr.role);
    if (role.ok()) p.teams.emplace(tr.team, *role);
  }
  return p;
}

Result<Principal> Authenticator::FromToken(const std::string& token) {
  auto found = store_.FindTokenByHash(crypto::HashToken(token));
  if (!found.ok()) {
    if (found.error().code == ErrorCode::kNotFound) {
      return Unauthenticated("invalid token").Hint("log in again: sluice login");
    }
    return std::move(found).error();
  }
  int64_t now = clock_();
  if (found->revoked_at)
    return Unauthenticated("the token was revoked").Hint("log in again: sluice login");
  if (found->expires_at && now >= found->expires_at) {
    return Unauthenticated("the token has expired").Hint("log in again: sluice login");
  }
  SLUICE_ASSIGN_OR_RETURN(Principal p, ForUser(found->user_id, Principal::Kind::kToken));
  p.token_id = found->id;
  p.expires_at = found->expires_at;
  p.scopes = ParseScopes(found->scopes_json);
  if (now - found->last_used_at >= options_.touch_interval.count()) {
    Status touched = store_.TouchToken(found->id, now);
    if (!touched.ok()) log::Warn("auth.token_touch_failed").With(touched.error());
  }
  return p;
}

Result<Principal> Authenticator::FromSession(const std::string& session_id) {
  std::string hash = crypto::HashToken(session_id);
  auto found = store_.FindSession(hash);
  if (!found.ok()) {
    if (found.error().code == ErrorCode::kNotFound) {
      return Unauthenticated("the session has ended").Hint("log in again");
    }
    return std::move(found).error();
  }
  int64_t now = clock_();
  if (now >= found->expires_at ||
      now - found->last_seen_at >= options_.session_idle_timeout.count()) {
    (void)store_.DeleteSession(hash);
    return Unauthenticated("the session has expired").Hint("log in again");
  }
  SLUICE_ASSIGN_OR_RETURN(Principal p, ForUser(found->user_id, Principal::Kind::kSession));
  p.session_hash = hash;
  p.csrf_token = found->csrf_token;
  p.expires_at = std::min(found->expires_at, now + options_.session_idle_timeout.count());
  if (now - found->last_seen_at >=
      std::min(options_.touch_interval, options_.session_idle_timeout / 4).count()) {
    Status touched = store_.TouchSession(hash, now);
    if (!touched.ok()) log::Warn("auth.session_touch_failed").With(touched.error());
  }
  return p;
}

}  // namespace sluice::api
