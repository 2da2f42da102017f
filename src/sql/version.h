// The Flink releases whose SQL grammar the analyzer knows, oldest first.
#pragma once

#include <optional>
#include <string_view>

namespace sluice::sql {

enum class FlinkVersion {
  k1_17,
  k1_18,
  k1_19,
  k1_20,
  k2_0,
  k2_1,
  k2_2,
  k2_3,
  k2_4,
};

inline constexpr FlinkVersion kNewestFlinkVersion = FlinkVersion::k2_4;

// Accepts "1.17", "1.17.2", "2.4-SNAPSHOT", "v2.0"; nullopt for anything else.
std::optional<FlinkVersion> ParseFlinkVersion(std::string_view text);
// "1.17" ... "2.4".
std::string_view FlinkVersionName(FlinkVersion version);
// "1.17, 1.18, ..., 2.4" for messages.
std::string_view KnownFlinkVersions();

}  // namespace sluice::sql
