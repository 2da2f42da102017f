#include "flinkconf/findings.h"

#include "common/redact.h"
#include "common/strings.h"

namespace sluice::flinkconf {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

std::string FormatFinding(const Finding& f) {
  std::string out(SeverityName(f.severity));
  out += ": ";
  if (!f.where.empty()) out += f.where + ": ";
  out += f.message;
  if (!f.hint.empty()) out += " (" + f.hint + ")";
  return out;
}

bool HasErrors(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    if (f.severity == Severity::kError) return true;
  }
  return false;
}

std::string ShowValue(std::string_view key, std::string_view value) {
  if (IsSecretKey(key)) return std::string(kRedacted);
  return Quote(value);
}

}  // namespace sluice::flinkconf
