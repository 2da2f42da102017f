// Random identifiers for requests and records (not for secrets: api/ uses libsodium).
#pragma once

#include <string>

namespace sluice {

std::string RandomHex(size_t bytes);
std::string NewRequestId();  // 16 hex characters

}  // namespace sluice
