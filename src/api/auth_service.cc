#include "api/auth_service.h"

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/time.h"

namespace sluice::api {

AuthService::AuthService(store::Store& store, Authenticator& authenticator,
                         const AuthOptions& options, Clock clock)
    : store_(store),
      authenticator_(authenticator),
      options_(options),
      clock_(std::move(clock)),
      per_user_(options.login_failures_per_user, options.login_window.count()),
      per_address_(options.login_failures_per_address, options.login_window.count()),
      dummy_hash_(crypto::HashPassword(crypto::NewPassword(), options.password_cost).value_or("")) {
}

std::string AuthService::RemoteHost(std::string_view remote_address) {
  size_t colon = remote_address.rfind(':');
  if (colon == std::string_view::npos) return std::string(remote_address);
  return std::string(remote_address.substr(0, colon));
}

int64_t AuthService::LoginRetryAfter(const std::string& name, const std::string& remote) {
  int64_t now = clock_();
  return std::max(per_user_.RetryAfter("user:" + name, now),
                  per_address_.RetryAfter("addr:" + RemoteHost(remote), now));
}

Result<store::User> AuthService::CheckPassword(const std::string& name, const std::string& password,
                                               const std::string& remote) {
  auto user = store_.FindUser(name);
  if (!user.ok() && user.error().code != ErrorCode::kNotFound) return std::move(user).error();
  bool good = false;
  if (user.ok() && !user->password_hash.empty()) {
    good = crypto::VerifyPassword(user->password_hash, password);
  } else {
    crypto::VerifyPassword(dummy_hash_, password);  // the same work as for a real user
  }
  int64_t now = clock_();
  if (!good) {
    per_user_.Record("user:" + name, now);
    per_address_.Record("addr:" + RemoteHost(remote), now);
    return Unauthenticated("invalid user name or password");
  }
  if (user->disabled) return Unauthenticated("user " + Quote(name) + " is disabled");
  per_user_.Reset("user:" + name);
  if (crypto::PasswordNeedsRehash(user->password_hash, options_.password_cost)) {
    auto rehashed = crypto::HashPassword(password, options_.password_cost);
    if (rehashed.ok()) {
      user->password_hash = *rehashed;
      Status st = store_.UpdateUser(*user);
      if (!st.ok()) log::Warn("auth.rehash_failed").With(st.error());
    }
  }
  return std::move(user).value();
}

Result<CreatedSession> AuthService::Login(const std::string& name, const std::string& password,
                                          const std::string& remote,
                                          const std::string& user_agent) {
  SLUICE_ASSIGN_OR_RETURN(store::User user, CheckPassword(name, password, remote));
  int64_t now = clock_();
  // Sweep ended sessions now and then; a login is a fine moment.
  (void)store_.DeleteExpiredSessions(now, now - options_.session_idle_timeout.count());
  CreatedSession s;
  s.id = crypto::RandomBase64Url(32);
  s.csrf_token = crypto::RandomBase64Url(24);
  s.expires_at = now + options_.session_lifetime.count();
  SLUICE_RETURN_IF_ERROR(store_.CreateSession({.id_hash = crypto::HashToken(s.id),
                                               .user_id = user.id,
                                               .csrf_token = s.csrf_token,
                                               .created_at = now,
                                               .expires_at = s.expires_at,
                                               .last_seen_at = now,
                                               .remote_address = RemoteHost(remote),
                                               .user_agent = user_agent.substr(0, 256)}));
  SLUICE_ASSIGN_OR_RETURN(s.principal, authenticator_.ForUser(user.id, Principal::Kind::kSession));
  s.principal.session_hash = crypto::HashToken(s.id);
  s.principal.csrf_token = s.csrf_token;
  s.principal.expires_at = std::min(s.expires_at, now + options_.session_idle_timeout.count());
  return s;
}

Result<Principal> AuthService::AuthenticateBasic(const http::Request& req,
                                                 std::string* attempted_name) {
  std::string h(Trim(req.Header("Authorization")));
  auto decoded = crypto::Base64Decode(Trim(h.substr(std::min<size_t>(6, h.size()))));
  if (!decoded.ok() || decoded->find(':') == std::string::npos) {
    return Unauthenticated("malformed HTTP basic credentials").Hint("send base64(user:password)");
  }
  std::string name = decoded->substr(0, decoded->find(':'));
  std::string password = decoded->substr(decoded->find(':') + 1);
  if (attempted_name) *attempted_name = name;
  if (LoginRetryAfter(name, req.remote_address) > 0) {
    return ResourceExhausted("too many failed attempts").Hint("wait and try again");
  }
  SLUICE_ASSIGN_OR_RETURN(store::User user, CheckPassword(name, password, req.remote_address));
  return authenticator_.ForUser(user.id, Principal::Kind::kBasic);
}

Status AuthService::Logout(const Principal& p) {
  switch (p.kind) {
    case Principal::Kind::kSession: {
      Status st = store_.DeleteSession(p.session_hash);
      if (!st.ok() && st.error().code != ErrorCode::kNotFound) return st;
      return Status::Ok();
    }
    case Principal::Kind::kToken: {
      Status st = store_.RevokeToken(p.token_id, clock_());
      if (!st.ok() && st.error().code != ErrorCode::kNotFound) return st;
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

Result<CreatedToken> AuthService::CreateToken(const Principal& creator, const TokenRequest& req) {
  int64_t now = clock_();
  // Scopes: what was asked for, never beyond what the creating token may do.
  nlohmann::json scopes = nlohmann::json::array();
  bool all = !req.scopes;
  if (req.scopes) {
    for (const auto& s : *req.scopes)
      all = all || s == "*";
  }
  if (all) {
    if (creator.scopes) {
      scopes = PermissionNames(*creator.scopes);
    } else {
      scopes.push_back("*");
    }
  } else {
    PermissionSet wanted;
    for (const auto& s : *req.scopes) {
      auto p = ParsePermission(s);
      if (!p) return InvalidArgument("unknown permission " + Quote(s)).At("scopes");
      wanted.set(static_cast<size_t>(*p));
    }
    if (creator.scopes && (wanted & ~*creator.scopes).any()) {
      return PermissionDenied("a token cannot grant more than the token that creates it: " +
                              Join(PermissionNames(wanted & ~*creator.scopes), ", "))
          .At("scopes");
    }
    scopes = PermissionNames(wanted);
  }
  int64_t ttl = options_.default_token_ttl.count();
  if (req.ttl) {
    auto d = ParseDuration(*req.ttl);
    if (!d.ok()) return InvalidArgument(d.error().message).At("ttl");
    if (*d < std::chrono::minutes(1) || *d > options_.max_token_ttl) {
      return InvalidArgument("must be between 1m and " + FormatDuration(options_.max_token_ttl))
          .At("ttl");
    }
    ttl = d->count();
  }
  int64_t expires_at = now + ttl;
  // A token made by a token or a session lives no longer than its creator.
  if (creator.expires_at) expires_at = std::min(expires_at, creator.expires_at);

  CreatedToken out;
  out.token = crypto::NewToken();
  SLUICE_ASSIGN_OR_RETURN(out.record,
                          store_.CreateToken({.user_id = creator.user_id,
                                              .name = req.name,
                                              .token_hash = crypto::HashToken(out.token),
                                              .scopes_json = scopes.dump(),
                                              .expires_at = expires_at}));
  return out;
}

Result<std::vector<store::ApiToken>> AuthService::ListTokens(const Principal& p) {
  return store_.ListTokens(p.user_id);
}

Result<store::ApiToken> AuthService::RevokeToken(const Principal& p, int64_t id) {
  auto token = store_.GetToken(id);
  if (!token.ok()) return std::move(token).error();
  if (token->user_id != p.user_id && !p.CanGlobally(Permission::kUsersWrite)) {
    return NotFound("token " + std::to_string(id) + " not found");
  }
  if (token->revoked_at) return *token;
  int64_t now = clock_();
  Status st = store_.RevokeToken(id, now);
  if (!st.ok() && st.error().code != ErrorCode::kNotFound) return std::move(st).error();
  token->revoked_at = now;
  return token;
}

}  // namespace sluice::api
