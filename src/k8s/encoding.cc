#include "k8s/encoding.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cctype>
#include <ctime>
#include <regex>

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

nlohmann::json Scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted or explicitly a string
  if (IsPlainNull(s)) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, kInt)) {
    if (auto v = ParseInt(s)) return *v;
    return s;
  }
  if (std::regex_match(s, kFloat)) {
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
  static const std::regex kRe(
      "([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]+)?"
      "([Zz]|[-+][0-9]{2}:[0-9]{2})");
  std::string s(Trim(text));
  std::smatch m;
  if (!std::regex_match(s, m, kRe)) {
    return InvalidArgument(Quote(text) + " is not an RFC 3339 timestamp (2026-01-02T03:04:05Z)");
  }
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  int64_t millis = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (m[7].matched) {
    std::string frac = m[7].str().substr(1);
    frac.resize(3, '0');
    millis += std::stoi(frac.substr(0, 3));
  }
  std::string zone = m[8];
  if (zone != "Z" && zone != "z") {
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
