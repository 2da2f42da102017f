#include "k8s/encoding.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cctype>
#include <ctime>

#include "common/strings.h"

namespace sluice::k8s {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool IsPlainNull(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Hand-written instead of std::regex: GCC 12 reports maybe-uninitialized inside
// <regex> at -O1 with sanitizers, and these are simple grammars.
size_t Digits(std::string_view s, size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9')
    ++i;
  return i;
}

// [-+]?[0-9]+
bool IsYamlInt(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  size_t end = Digits(s, i);
  return end > i && end == s.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsYamlFloat(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i < s.size() && s[i] == '.') {
    size_t end = Digits(s, i + 1);
    if (end == i + 1) return false;
    i = end;
  } else {
    size_t end = Digits(s, i);
    if (end == i) return false;
    i = end;
    if (i < s.size() && s[i] == '.') i = Digits(s, i + 1);
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t end = Digits(s, i);
    if (end == i) return false;
    i = end;
  }
  return i == s.size();
}

nlohmann::json Scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted or explicitly a string
  if (IsPlainNull(s)) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (IsYamlInt(s)) {
    if (auto v = ParseInt(s[0] == '+' ? s.substr(1) : s)) return *v;
    return s;
  }
  if (IsYamlFloat(s)) {
    if (auto v = ParseDouble(s)) return *v;
  }
  return s;
}

nlohmann::json Convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return Scalar(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node)
        out.push_back(Convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node)
        out[kv.first.Scalar()] = Convert(kv.second);
      return out;
    }
  }
  return nullptr;
}

Error YamlError(const YAML::Exception& e, std::string_view source) {
  return InvalidArgument(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg);
}

}  // namespace

std::string Base64Encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    uint32_t v = uint8_t(data[i]) << 16;
    if (i + 1 < data.size()) v |= uint8_t(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = DecodeChar(c);
    if (v < 0 || padding) {
      return InvalidArgument("not base64: unexpected character at offset " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6) return InvalidArgument("not base64: truncated input");
  return out;
}

Result<int64_t> ParseRfc3339(std::string_view text) {
  // YYYY-MM-DD[Tt ]HH:MM:SS(.fraction)?([Zz]|[-+]HH:MM)
  std::string s(Trim(text));
  auto bad = [&] {
    return InvalidArgument(Quote(text) + " is not an RFC 3339 timestamp (2026-01-02T03:04:05Z)");
  };
  auto digits_at = [&](size_t at, size_t n) {
    return at + n <= s.size() && Digits(s, at) >= at + n;
  };
  auto num = [&](size_t at, size_t n) { return std::stoi(s.substr(at, n)); };
  if (!digits_at(0, 4) || s.size() < 19 || s[4] != '-' || !digits_at(5, 2) || s[7] != '-' ||
      !digits_at(8, 2) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits_at(11, 2) ||
      s[13] != ':' || !digits_at(14, 2) || s[16] != ':' || !digits_at(17, 2)) {
    return bad();
  }
  size_t i = 19;
  std::string frac;
  if (i < s.size() && s[i] == '.') {
    size_t end = Digits(s, i + 1);
    if (end == i + 1) return bad();
    frac = s.substr(i + 1, end - i - 1);
    i = end;
  }
  std::string zone = s.substr(i);
  bool utc = zone == "Z" || zone == "z";
  if (!utc && !(zone.size() == 6 && (zone[0] == '-' || zone[0] == '+') && digits_at(i + 1, 2) &&
                zone[3] == ':' && digits_at(i + 4, 2))) {
    return bad();
  }
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  int64_t millis = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (!frac.empty()) {
    frac.resize(3, '0');
    millis += std::stoi(frac.substr(0, 3));
  }
  if (!utc) {
    int sign = zone[0] == '-' ? -1 : 1;
    int offset = std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(4, 2));
    millis -= sign * static_cast<int64_t>(offset) * 60'000;
  }
  return millis;
}

Result<nlohmann::json> YamlToJson(std::string_view text, std::string_view source) {
  try {
    return Convert(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return YamlError(e, source);
  }
}

Result<std::vector<nlohmann::json>> YamlDocumentsToJson(std::string_view text,
                                                        std::string_view source) {
  try {
    std::vector<nlohmann::json> out;
    for (const auto& doc : YAML::LoadAll(std::string(text))) {
      nlohmann::json j = Convert(doc);
      if (!j.is_null()) out.push_back(std::move(j));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return YamlError(e, source);
  }
}

}  // namespace sluice::k8s
