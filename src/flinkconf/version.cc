#include "flinkconf/version.h"

#include "common/strings.h"

namespace sluice::flinkconf {

Result<FlinkVersion> FlinkVersion::Parse(std::string_view text) {
  std::string t(Trim(text));
  std::string original = t;
  if (!t.empty() && (t[0] == 'v' || t[0] == 'V')) {
    t = t.substr(1);
    for (char& c : t) {
      if (c == '_') c = '.';
    }
  }
  std::vector<std::string> parts = Split(t, '.');
  auto bad = [&] {
    return InvalidArgument(Quote(original) + " is not a Flink version")
        .Hint("write major.minor, e.g. 1.20 or 2.2");
  };
  if (parts.size() < 2 || parts.size() > 3) return bad();
  int numbers[3] = {0, 0, -1};
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.empty() || p.size() > 4) return bad();
    for (char c : p) {
      if (c < '0' || c > '9') return bad();
    }
    numbers[i] = static_cast<int>(*ParseInt(p));
  }
  if (numbers[0] < 1) return bad();
  return FlinkVersion{numbers[0], numbers[1], numbers[2]};
}

std::string FlinkVersion::ToString() const {
  std::string s = MajorMinor();
  if (patch >= 0) s += "." + std::to_string(patch);
  return s;
}

std::string FlinkVersion::MajorMinor() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace sluice::flinkconf
