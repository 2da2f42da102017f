// Writes audit entries. The API wrapper records every change, every action and every
// denied attempt; handlers only add the target and details. Values under secret-looking
// keys (redact.h) are masked before they are stored.
#pragma once

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace sluice::api {

class AuditLog {
 public:
  explicit AuditLog(store::Store& store) : store_(store) {}

  // Never fails the request: a store error is logged.
  void Record(store::AuditEntry entry, const nlohmann::json& details);

  static nlohmann::json Redact(const nlohmann::json& details);

 private:
  store::Store& store_;
};

}  // namespace sluice::api
