// Request bodies checked against the same JSON Schema the OpenAPI document shows, so that
// what is documented is what is enforced. A subset of JSON Schema (OpenAPI 3.0 flavour):
// type (one or a list), nullable, properties, required, additionalProperties, enum,
// minLength, maxLength, format, minimum, maximum, items, minItems, maxItems,
// and $ref to "#/components/schemas/NAME".
//
// Formats: "name" (a team or cluster name, see names.h), "user-name", "permission", "scope"
// (a permission or "*"), "duration" (30s, 5m, 2h, 7d), "date-time" (RFC 3339), "uri" (http or https
// URL), "version" (1.20, 1.20.1). No "pattern": a format says in words what it wants.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::api {

struct SchemaError {
  std::string path;  // "config.namespace", "teams[1]"; "" for the whole value
  std::string message;
};

class SchemaValidator {
 public:
  // `components`: the OpenAPI components/schemas object that $ref points into; may be null.
  explicit SchemaValidator(const nlohmann::json* components = nullptr) : components_(components) {}

  // All problems, at most `max_errors` of them; empty when the value conforms.
  std::vector<SchemaError> Validate(const nlohmann::json& schema, const nlohmann::json& value,
                                    const std::string& path = "", size_t max_errors = 20) const;

 private:
  void Check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
             std::vector<SchemaError>& errors, size_t max_errors, int depth) const;
  const nlohmann::json* components_;
};

// "a.b", "a[2]": how paths grow.
std::string FieldPath(const std::string& parent, std::string_view field);
std::string IndexPath(const std::string& parent, size_t index);

// Parses a request body; a syntax error names the line and column ("body:1:17").
Result<nlohmann::json> ParseJsonBody(std::string_view body);

}  // namespace sluice::api
