// YAML to JSON as Kubernetes reads manifests (plain scalars typed, quoted ones strings).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::sim {

// One document; errors name line and column.
Result<nlohmann::json> YamlToJson(const std::string& text);
// Every document of a multi-document stream (empty documents skipped).
Result<std::vector<nlohmann::json>> YamlDocumentsToJson(const std::string& text);

}  // namespace sluice::sim
