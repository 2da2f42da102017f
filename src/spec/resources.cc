#include "spec/resources.h"

#include <cctype>
#include <cmath>

#include "common/strings.h"
#include "flinkconf/values.h"

namespace sluice::spec {

Result<uint64_t> ParseMemoryAmount(std::string_view text) {
  std::string t(Trim(text));
  auto bad = [&] {
    return InvalidArgument(Quote(t) + " is not a memory size").Hint("use 2g, 2048m or 2Gi");
  };
  uint64_t bytes = 0;
  if (auto flink = flinkconf::ParseMemorySize(t); flink.ok()) {
    bytes = *flink;
  } else {
    // A Kubernetes quantity: digits, an optional fraction, a binary or decimal suffix.
    size_t i = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
      ++i;
    if (i == 0) return bad();
    if (i < t.size() && t[i] == '.') {
      size_t dot = ++i;
      while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
        ++i;
      if (i == dot) return bad();
    }
    const std::string unit = t.substr(i);
    double number = std::stod(t.substr(0, i));
    double factor = 0;
    if (unit == "Ki") factor = 1024.0;
    if (unit == "Mi") factor = std::pow(1024.0, 2);
    if (unit == "Gi") factor = std::pow(1024.0, 3);
    if (unit == "Ti") factor = std::pow(1024.0, 4);
    if (unit == "Pi") factor = std::pow(1024.0, 5);
    if (unit == "k") factor = 1e3;
    if (unit == "M") factor = 1e6;
    if (unit == "G") factor = 1e9;
    if (unit == "T") factor = 1e12;
    if (unit == "P") factor = 1e15;
    if (factor == 0) return bad();
    double value = std::floor(number * factor);
    if (value >= 9.2e18) return bad();
    bytes = static_cast<uint64_t>(value);
  }
  if (bytes == 0) {
    return InvalidArgument(Quote(t) + " is zero").Hint("give the pod some memory, e.g. 2g");
  }
  return bytes;
}

}  // namespace sluice::spec
