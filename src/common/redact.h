// What counts as a secret, so that logs, events, API answers and renderings mask it.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

inline constexpr std::string_view kRedacted = "******";

// True for option or field names whose values are secrets: any key containing
// "password", "secret", "token" or "sasl.jaas.config" (case-insensitive).
bool IsSecretKey(std::string_view key);

// Free text (an exception's stack trace, a log line) with the values of secret-looking
// keys masked: `password=x`, `token: x`, `'password' = 'x'`, `"secret":"x"` and the like
// become `password=******`. The key stays, so a reader still sees what was set.
std::string RedactSecretsInText(std::string_view text);

}  // namespace sluice
