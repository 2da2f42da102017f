// How stored records look in API answers (camelCase, RFC 3339 times, no secrets).
#pragma once

#include <nlohmann/json.hpp>

#include "store/records.h"

namespace sluice::api {

nlohmann::json TimeJson(int64_t unix_millis);  // null for 0
nlohmann::json UserJson(const store::User& user);
nlohmann::json TeamJson(const store::Team& team);
nlohmann::json TokenJson(const store::ApiToken& token);
nlohmann::json AuditJson(const store::AuditEntry& entry);

}  // namespace sluice::api
