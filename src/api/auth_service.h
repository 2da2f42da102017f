// Logging in and out, HTTP basic authentication, and API tokens: the rules, apart from
// HTTP. Failed password checks are rate limited per user name and per remote address.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/auth_options.h"
#include "api/authenticator.h"
#include "api/rate_limiter.h"
#include "store/store.h"

namespace sluice::api {

struct CreatedSession {
  std::string id;  // the cookie value; only its digest is stored
  std::string csrf_token;
  int64_t expires_at = 0;
  Principal principal;
};

struct TokenRequest {
  std::string name;
  std::optional<std::vector<std::string>> scopes;  // permission names or "*"; absent: inherit
  std::optional<std::string> ttl;                  // a duration; absent: the default
};

struct CreatedToken {
  std::string token;  // shown once
  store::ApiToken record;
};

class AuthService {
 public:
  AuthService(store::Store& store, Authenticator& authenticator, const AuthOptions& options,
              Clock clock);

  // Milliseconds until `name` from `remote` may try a password again; 0: now.
  int64_t LoginRetryAfter(const std::string& name, const std::string& remote);
  // kUnauthenticated for an unknown user or a wrong password (the same message for both,
  // and about the same time), or a disabled user. Failures count towards the limits.
  Result<store::User> CheckPassword(const std::string& name, const std::string& password,
                                    const std::string& remote);

  Result<CreatedSession> Login(const std::string& name, const std::string& password,
                               const std::string& remote, const std::string& user_agent);
  // Authorization: Basic; kResourceExhausted when rate limited.
  Result<Principal> AuthenticateBasic(const http::Request& req, std::string* attempted_name);
  // Ends the credential the principal used: the session, or the token (revoked).
  Status Logout(const Principal& principal);

  Result<CreatedToken> CreateToken(const Principal& creator, const TokenRequest& request);
  Result<std::vector<store::ApiToken>> ListTokens(const Principal& principal);
  // The principal's own tokens; global users:write may revoke anyone's.
  Result<store::ApiToken> RevokeToken(const Principal& principal, int64_t id);

  // "10.0.0.1:5123" -> "10.0.0.1"
  static std::string RemoteHost(std::string_view remote_address);

 private:
  store::Store& store_;
  Authenticator& authenticator_;
  const AuthOptions& options_;
  Clock clock_;
  RateLimiter per_user_;
  RateLimiter per_address_;
  std::string dummy_hash_;  // verified against for unknown users, to even out timing
};

}  // namespace sluice::api
