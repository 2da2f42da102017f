// What validation reports: one finding per problem, with severity, a stable code, the
// key, where it came from, what is wrong and what to do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::flinkconf {

enum class Severity { kInfo, kWarning, kError };
std::string_view SeverityName(Severity s);

// Codes: unknown-key, connector-option, deprecated-key, removed-key, dropped-key,
// invalid-value, duplicate-key, memory, syntax, catalog-version.
struct Finding {
  Severity severity = Severity::kWarning;
  std::string code;
  std::string key;
  std::string where;    // flink-conf.yaml:3:1, -D (argument 4), spec.flinkConfiguration.x
  std::string message;  // never contains a secret value
  std::string hint;
};

// "warning: where: message (hint)"
std::string FormatFinding(const Finding& f);
bool HasErrors(const std::vector<Finding>& findings);

// A value as it may appear in text meant for people: quoted, or masked for secret keys.
std::string ShowValue(std::string_view key, std::string_view value);

}  // namespace sluice::flinkconf
