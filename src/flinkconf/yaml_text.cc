#include "flinkconf/yaml_text.h"

#include <cstdio>
#include <regex>

namespace sluice::flinkconf {
namespace {

// Plain scalars that YAML 1.1 or 1.2 resolve to something other than a string.
bool ResolvesToNonString(std::string_view s) {
  static const std::regex kSpecial(
      // null and booleans (1.1 includes y/n/yes/no/on/off)
      "~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
      "on|On|ON|off|Off|OFF|"
      // integers: binary, octal, decimal, hex, sexagesimal
      "[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
      "[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+|"
      // floats, including 1e3, sexagesimal, infinities and NaN
      "[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|"
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|"
      // timestamps, merge and value keys
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|<<|=");
  return std::regex_match(s.begin(), s.end(), kSpecial);
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string DoubleQuoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
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
  if (HasControl(s)) return DoubleQuoted(s);
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
