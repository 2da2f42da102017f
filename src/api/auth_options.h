// Settings of authentication: session lifetimes, cookies, token defaults, login limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/crypto.h"

namespace sluice::api {

using namespace std::chrono_literals;

// Unix milliseconds; injectable so that tests can move time.
using Clock = std::function<int64_t()>;

struct AuthOptions {
  std::chrono::milliseconds session_idle_timeout = 30min;  // ends after this long unused
  std::chrono::milliseconds session_lifetime = 12h;        // ends this long after login
  bool secure_cookies = false;                             // mark cookies Secure (serve behind TLS)
  // last_used_at of tokens and last_seen_at of sessions are written at most this often.
  std::chrono::milliseconds touch_interval = 1min;
  std::chrono::milliseconds default_token_ttl = std::chrono::hours(24 * 90);
  std::chrono::milliseconds max_token_ttl = std::chrono::hours(24 * 366);
  crypto::PasswordCost password_cost = crypto::PasswordCost::Interactive();
  size_t min_password_length = 10;
  // Failed logins (and failed HTTP basic authentications) allowed per window.
  int login_failures_per_user = 10;
  int login_failures_per_address = 50;
  std::chrono::milliseconds login_window = 15min;
};

inline constexpr const char* kSessionCookie = "sluice_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

}  // namespace sluice::api
