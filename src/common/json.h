// Small helpers for nlohmann::json values.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sluice {

// The JSON (and JSON Schema) type of a value: "null", "boolean", "integer" (integral
// numbers as parsed), "number", "string", "array" or "object"; "value" for anything else.
std::string JsonTypeName(const nlohmann::json& v);

}  // namespace sluice
