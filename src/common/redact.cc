#include "common/redact.h"

#include "common/strings.h"

namespace sluice {

bool IsSecretKey(std::string_view key) {
  for (std::string_view word : {"password", "secret", "token", "sasl.jaas.config"}) {
    if (ContainsIgnoreCase(key, word)) return true;
  }
  return false;
}

}  // namespace sluice
