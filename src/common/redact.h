// What counts as a secret, so that logs, events, API answers and renderings mask it.
#pragma once

#include <string_view>

namespace sluice {

inline constexpr std::string_view kRedacted = "******";

// True for option or field names whose values are secrets: any key containing
// "password", "secret", "token" or "sasl.jaas.config" (case-insensitive).
bool IsSecretKey(std::string_view key);

}  // namespace sluice
