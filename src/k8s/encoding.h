// Encodings the Kubernetes API uses: base64 (Secret data, kubeconfig *-data fields,
// ExecCredential certificates), RFC 3339 timestamps, and YAML documents as JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::k8s {

std::string Base64Encode(std::string_view data);
// Standard alphabet; padding optional; whitespace (line breaks in kubeconfigs) ignored.
Result<std::string> Base64Decode(std::string_view text);

// "2026-01-02T03:04:05Z", with optional fraction and numeric offset, to Unix milliseconds.
Result<int64_t> ParseRfc3339(std::string_view text);

// One YAML document as JSON: quoted scalars stay strings, plain ones become null, booleans
// and numbers where YAML 1.2's core schema reads them so. Errors carry line and column.
Result<nlohmann::json> YamlToJson(std::string_view text, std::string_view source = "yaml");
// Every document of a stream (--- separated); empty documents are skipped.
Result<std::vector<nlohmann::json>> YamlDocumentsToJson(std::string_view text,
                                                        std::string_view source = "yaml");

}  // namespace sluice::k8s
