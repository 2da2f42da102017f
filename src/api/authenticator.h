// Resolves who a request acts as: a bearer token, a session cookie, or nobody.
#pragma once

#include <optional>
#include <string>

#include "api/auth_options.h"
#include "api/permissions.h"
#include "http/message.h"
#include "store/store.h"

namespace sluice::api {

class Authenticator {
 public:
  Authenticator(store::Store& store, const AuthOptions& options, Clock clock)
      : store_(store), options_(options), clock_(std::move(clock)) {}

  // Authorization: Bearer wins over the session cookie. No credentials: an anonymous
  // principal. Unknown, revoked or expired credentials, or a disabled user: kUnauthenticated.
  Result<Principal> Authenticate(const http::Request& req);

  // The principal of a user, with its team roles; kUnauthenticated when disabled.
  Result<Principal> ForUser(int64_t user_id, Principal::Kind kind);

  static std::optional<std::string> BearerToken(const http::Request& req);
  static std::optional<std::string> Cookie(const http::Request& req, std::string_view name);

 private:
  Result<Principal> FromToken(const std::string& token);
  Result<Principal> FromSession(const std::string& session_id);

  store::Store& store_;
  const AuthOptions& options_;
  Clock clock_;
};

}  // namespace sluice::api
