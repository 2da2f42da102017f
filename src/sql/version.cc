#include "sql/version.h"

#include <array>
#include <cctype>

namespace sluice::sql {
namespace {

constexpr std::array<std::string_view, 9> kNames = {"1.17", "1.18", "1.19", "1.20", "2.0",
                                                    "2.1",  "2.2",  "2.3",  "2.4"};

}  // namespace

std::optional<FlinkVersion> ParseFlinkVersion(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  // Keep "major.minor" and drop a patch level or a "-SNAPSHOT" style suffix.
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  size_t end = dot + 1;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))
    ++end;
  if (end < text.size() && text[end] != '.' && text[end] != '-') return std::nullopt;
  std::string_view major_minor = text.substr(0, end);
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == major_minor) return static_cast<FlinkVersion>(i);
  }
  return std::nullopt;
}

std::string_view FlinkVersionName(FlinkVersion version) {
  return kNames[static_cast<size_t>(version)];
}

std::string_view KnownFlinkVersions() {
  return "1.17, 1.18, 1.19, 1.20, 2.0, 2.1, 2.2, 2.3, 2.4";
}

}  // namespace sluice::sql
