#include "flinkconf/yaml_text.h"

#include "common/strings.h"

namespace sluice::flinkconf {
namespace {

// Plain scalars that YAML 1.1 or 1.2 resolve to something other than a string: null,
// booleans (1.1 has y/n/yes/no/on/off), and anything that may be a number or a timestamp
// (ints in any base, floats, 1_000, sexagesimal 1:30, 2024-01-01, .inf, .nan). Numbers
// are recognised generously: quoting a string that only looks like one costs nothing.
bool ResolvesToNonString(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "~",  "null", "Null", "NULL", "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",
      "no", "No",   "NO",   "true", "True", "TRUE", "false", "False", "FALSE", "on", "On",
      "ON", "off",  "Off",  "OFF",  "<<",   "=",    ".nan",  ".NaN",  ".NAN"};
  for (auto w : kWords) {
    if (s == w) return true;
  }
  std::string_view t = s;
  if (!t.empty() && (t.front() == '+' || t.front() == '-')) t.remove_prefix(1);
  if (t == ".inf" || t == ".Inf" || t == ".INF") return true;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool starts_numeric =
      !t.empty() && (digit(t.front()) || (t.front() == '.' && t.size() > 1 && digit(t[1])));
  if (!starts_numeric) return false;
  static constexpr std::string_view kNumberChars = "0123456789_.:+-eExXoObBabcdefABCDEF";
  for (char c : t) {
    if (kNumberChars.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

bool YamlNeedsQuotes(std::string_view s) {
  if (s.empty() || HasControl(s)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  static constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(s.front()) != std::string_view::npos) return true;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) {
    return true;
  }
  if (s.back() == ':') return true;
  // Flow indicators are only special inside flow collections, but values end up there
  // when Flink's YAML writer nests them; quote them too.
  if (s.find_first_of(",[]{}") != std::string_view::npos) return true;
  return ResolvesToNonString(s);
}

std::string YamlQuoted(std::string_view s) {
  if (HasControl(s)) return Quote(s);
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string YamlScalar(std::string_view s) {
  return YamlNeedsQuotes(s) ? YamlQuoted(s) : std::string(s);
}

std::string YamlFlowScalar(std::string_view s) {
  if (s.find_first_of(":#") != std::string_view::npos) return YamlQuoted(s);
  return YamlScalar(s);
}

}  // namespace sluice::flinkconf
