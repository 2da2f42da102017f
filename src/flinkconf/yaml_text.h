// Writing YAML scalars that read back as the same string, in YAML 1.1 (SnakeYAML, which
// Flink uses) and YAML 1.2 (yaml-cpp) alike.
#pragma once

#include <string>
#include <string_view>

namespace sluice::flinkconf {

// True when `s` written as a plain scalar would read back as a different string or as a
// non-string (true, no, ~, 0x1F, 1_000, 1:30, 2024-01-01, ...), or would not parse.
bool YamlNeedsQuotes(std::string_view s);
// `s` as a plain scalar when that is safe, else single-quoted, or double-quoted with
// escapes when it has control characters or line breaks.
std::string YamlScalar(std::string_view s);
// For an element of a flow collection ([a, b], {k: v}): also quoted when it contains ':'
// or '#', which YAML 1.1 parsers read differently inside brackets.
std::string YamlFlowScalar(std::string_view s);
// Always quoted (single quotes when possible).
std::string YamlQuoted(std::string_view s);

}  // namespace sluice::flinkconf
