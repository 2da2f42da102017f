#include "spec/resources.h"

#include <cmath>
#include <regex>

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
    static const std::regex kQuantity("([0-9]+(\\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)");
    std::smatch m;
    if (!std::regex_match(t, m, kQuantity)) return bad();
    double number = std::stod(m[1].str());
    const std::string unit = m[3].str();
    double factor = 1;
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
