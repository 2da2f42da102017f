#include "sim/flink_config.h"

#include <cctype>

#include "sim/text.h"
#include "sim/yaml_json.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

std::string ScalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_array()) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? ", " : "") + ScalarText(v[i]);
    return s + "]";
  }
  return v.dump();
}

void Flatten(const json& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (node.is_object()) {
    for (auto& [k, v] : node.items())
      Flatten(v, prefix.empty() ? k : prefix + "." + k, out);
    return;
  }
  out[prefix] = ScalarText(node);
}

}  // namespace

Result<FlinkConfig> FlinkConfig::ParseYaml(const std::string& text) {
  FlinkConfig c;
  c.format_ = "config.yaml";
  SLUICE_ASSIGN_OR_RETURN(json doc, YamlToJson(text));
  if (!doc.is_null()) Flatten(doc, "", c.values_);
  return c;
}

FlinkConfig FlinkConfig::ParseLegacy(const std::string& text) {
  FlinkConfig c;
  c.format_ = "flink-conf.yaml";
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string::npos) j = text.size();
    std::string line = Trim(text.substr(i, j - i));
    i = j + 1;
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(": ");
    if (colon == std::string::npos) {
      if (!line.empty() && line.back() == ':')
        colon = line.size() - 1;
      else
        continue;
    }
    c.values_[Trim(line.substr(0, colon))] = Trim(line.substr(colon + 1));
  }
  return c;
}

Result<FlinkConfig> FlinkConfig::FromConfigMap(const json& configmap) {
  const json data = configmap.value("data", json::object());
  if (data.contains("config.yaml")) return ParseYaml(data["config.yaml"].get<std::string>());
  if (data.contains("flink-conf.yaml"))
    return ParseLegacy(data["flink-conf.yaml"].get<std::string>());
  return FailedPrecondition("the ConfigMap has neither config.yaml nor flink-conf.yaml");
}

FlinkConfig FlinkConfig::FromMap(const std::map<std::string, std::string>& values) {
  FlinkConfig c;
  c.values_ = values;
  c.format_ = "map";
  return c;
}

std::optional<std::string> FlinkConfig::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  std::string v = it->second;
  if (v.size() >= 2 &&
      ((v.front() == '\'' && v.back() == '\'') || (v.front() == '"' && v.back() == '"'))) {
    v = v.substr(1, v.size() - 2);
  }
  return v;
}

std::string FlinkConfig::GetOr(const std::string& key, const std::string& fallback) const {
  return Get(key).value_or(fallback);
}

std::vector<std::string> FlinkConfig::GetList(const std::string& key) const {
  std::vector<std::string> out;
  auto v = Get(key);
  if (!v || v->empty()) return out;
  std::string s = *v;
  if (s.front() == '[' && s.back() == ']') {
    auto parsed = YamlToJson(s);
    if (parsed.ok() && parsed->is_array()) {
      for (const auto& e : *parsed)
        out.push_back(ScalarText(e));
      return out;
    }
    s = s.substr(1, s.size() - 2);
  }
  size_t i = 0;
  std::string cur;
  bool quoted = false;
  for (; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '\'') {
      quoted = !quoted;
      continue;
    }
    if (ch == ';' && !quoted) {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!Trim(cur).empty()) out.push_back(Trim(cur));
  return out;
}

int64_t FlinkConfig::GetInt(const std::string& key, int64_t fallback) const {
  auto v = Get(key);
  if (!v) return fallback;
  try {
    return std::stoll(*v);
  } catch (const std::exception&) {
    return fallback;
  }
}

bool FlinkConfig::GetBool(const std::string& key, bool fallback) const {
  auto v = Get(key);
  if (!v) return fallback;
  std::string s = *v;
  for (auto& ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (s == "true") return true;
  if (s == "false") return false;
  return fallback;
}

std::optional<int64_t> ParseFlinkDuration(const std::string& text) {
  std::string s = Trim(text);
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
    ++i;
  if (i == 0) return std::nullopt;
  double n = std::stod(s.substr(0, i));
  std::string unit = Trim(s.substr(i));
  for (auto& ch : unit)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  double ms;
  if (unit.empty() || unit == "ms" || unit == "milli" || unit == "millis" ||
      unit == "millisecond" || unit == "milliseconds")
    ms = n;
  else if (unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds")
    ms = n * 1000;
  else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes")
    ms = n * 60000;
  else if (unit == "h" || unit == "hour" || unit == "hours")
    ms = n * 3600000;
  else if (unit == "d" || unit == "day" || unit == "days")
    ms = n * 86400000;
  else
    return std::nullopt;
  return static_cast<int64_t>(ms);
}

std::optional<int64_t> FlinkConfig::GetDurationMs(const std::string& key) const {
  auto v = Get(key);
  if (!v) return std::nullopt;
  return ParseFlinkDuration(*v);
}

}  // namespace sluice::sim
