// Flink versions as users write them: "1.20", "1.20.1", "v1_20" (the operator's enum).
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice::flinkconf {

struct FlinkVersion {
  int major = 0;
  int minor = 0;
  int patch = -1;  // -1: not given

  static Result<FlinkVersion> Parse(std::string_view text);
  // "1.20" or "1.20.1".
  std::string ToString() const;
  // "1.20": the part that selects a catalog and the configuration keys.
  std::string MajorMinor() const;

  auto operator<=>(const FlinkVersion& o) const {
    if (auto c = major <=> o.major; c != 0) return c;
    return minor <=> o.minor;
  }
  bool operator==(const FlinkVersion& o) const { return major == o.major && minor == o.minor; }
  bool AtLeast(int ma, int mi) const { return *this >= FlinkVersion{ma, mi, -1}; }
};

}  // namespace sluice::flinkconf
