// A validator for the OpenAPI v3 schema dialect that Kubernetes CRDs and Flink's REST
// specifications use: type, format (integers), required, enum, properties,
// additionalProperties, items, allOf/anyOf/oneOf, $ref (within one document),
// discriminator, nullable, x-kubernetes-preserve-unknown-fields and
// x-kubernetes-int-or-string.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sluice::sim {

struct SchemaError {
  enum class Kind { kType, kRequired, kEnum, kUnknownField, kOther };
  Kind kind = Kind::kOther;
  std::string path;     // Kubernetes style: spec.job.parallelism, spec.containers[0].name
  std::string message;  // what the API server would say after the path
  nlohmann::json value;
};

struct SchemaOptions {
  // Properties a schema does not declare are errors (Kubernetes: fieldValidation=Strict;
  // for Flink REST answers: catches misspelt keys). Off: they are allowed.
  bool reject_unknown_fields = false;
  // Kubernetes structural schemas: an object without properties and without
  // x-kubernetes-preserve-unknown-fields holds nothing unknown.
  bool kubernetes_structural = false;
};

class SchemaValidator {
 public:
  // `root` is the whole document $refs resolve against ("#/components/schemas/X").
  explicit SchemaValidator(const nlohmann::json& root, SchemaOptions options = {})
      : root_(root), options_(options) {}

  std::vector<SchemaError> Validate(const nlohmann::json& schema, const nlohmann::json& value,
                                    const std::string& path = "") const;
  // Drops what a structural schema does not declare (what the API server does to custom
  // resources unless fieldValidation=Strict); returns the paths dropped.
  std::vector<std::string> Prune(const nlohmann::json& schema, nlohmann::json& value,
                                 const std::string& path = "") const;

 private:
  // `part_of_allof`: the schema is one member of an allOf, whose parent checks for
  // unknown properties against all members together.
  void Check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
             bool skip_discriminator, std::vector<SchemaError>& out,
             bool part_of_allof = false) const;
  const nlohmann::json* Resolve(const nlohmann::json& schema) const;
  void CollectProperties(const nlohmann::json& schema, std::vector<std::string>& names,
                         bool& open) const;

  const nlohmann::json& root_;
  SchemaOptions options_;
};

// "spec.job" + "parallelism" → "spec.job.parallelism"; indexes as "[3]".
std::string JoinPath(const std::string& base, const std::string& key);

// The OpenAPI document of a Flink REST spec: the response schema of one route, matched
// with path parameters ("/jobs/{jobid}" matches "/jobs/abc"). nullptr when none is there.
const nlohmann::json* FindResponseSchema(const nlohmann::json& spec, const std::string& method,
                                         const std::string& path, int status);

}  // namespace sluice::sim
