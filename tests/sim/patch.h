// The patch formats of the Kubernetes API: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902), strategic merge patch for the built-in kinds, and the field ownership that
// server-side apply keeps in metadata.managedFields.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::sim {

nlohmann::json MergePatch(const nlohmann::json& original, const nlohmann::json& patch);
Result<nlohmann::json> JsonPatch(const nlohmann::json& original, const nlohmann::json& patch);

// Strategic merge patch: lists with a patch merge key (containers by name, ports by
// containerPort, env by name, volumes by name, ...) merge element by element; the
// directives $patch (replace, delete, merge), $retainKeys, $setElementOrder/<list> and
// $deleteFromPrimitiveList/<list> are honoured. `kind` picks the merge keys
// (Service ports merge by port). Kinds without a Go struct (custom resources) should use
// MergePatch, as the API server does (it refuses strategic merge for them).
Result<nlohmann::json> StrategicMergePatch(const nlohmann::json& original,
                                           const nlohmann::json& patch, const std::string& kind);

// The merge key of the list at `path` (dotted field names, no indexes), "" when atomic.
std::string MergeKeyFor(const std::string& kind, const std::string& path);

// Field sets as server-side apply tracks them: one string per owned leaf,
// e.g. ".spec.template.spec.containers[name=\"app\"].image".
using FieldSet = std::set<std::string>;
FieldSet LeafFields(const nlohmann::json& object, const std::string& kind);
nlohmann::json FieldSetToFieldsV1(const FieldSet& fields);
FieldSet FieldsV1ToFieldSet(const nlohmann::json& fields_v1);

struct ApplyResult {
  nlohmann::json object;
  std::vector<std::string> conflicts;  // "conflict with \"mgr\" using v: .spec.replicas"
  std::vector<std::string> conflict_fields;
};

// Server-side apply of `applied` by `manager` onto `live` (null when the object does not
// exist yet). Fields other managers own with a different value are conflicts unless
// `force`; fields this manager applied before and no longer applies are removed.
ApplyResult ServerSideApply(const nlohmann::json& live, const nlohmann::json& applied,
                            const std::string& manager, bool force, const std::string& kind,
                            const std::string& time_now);

// After a non-apply write: `manager` owns what changed between `before` and `after`.
void RecordUpdateOwnership(const nlohmann::json& before, nlohmann::json& after,
                           const std::string& manager, const std::string& kind,
                           const std::string& time_now);

}  // namespace sluice::sim
