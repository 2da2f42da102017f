// A Flink configuration as the JobManager reads it from its ConfigMap: config.yaml
// (nested or flat keys, 1.19+) or the legacy flink-conf.yaml ("key: value" lines).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::sim {

class FlinkConfig {
 public:
  static Result<FlinkConfig> ParseYaml(const std::string& text);  // config.yaml
  static FlinkConfig ParseLegacy(const std::string& text);        // flink-conf.yaml
  // The ConfigMap's data: config.yaml when present, else flink-conf.yaml.
  static Result<FlinkConfig> FromConfigMap(const nlohmann::json& configmap);
  static FlinkConfig FromMap(const std::map<std::string, std::string>& values);

  std::optional<std::string> Get(const std::string& key) const;
  std::string GetOr(const std::string& key, const std::string& fallback) const;
  std::vector<std::string> GetList(const std::string& key) const;
  int64_t GetInt(const std::string& key, int64_t fallback) const;
  bool GetBool(const std::string& key, bool fallback) const;
  // Flink durations: "10 s", "10s", "1 min", "500ms", a bare number is milliseconds.
  std::optional<int64_t> GetDurationMs(const std::string& key) const;
  void Set(const std::string& key, const std::string& value) { values_[key] = value; }
  const std::map<std::string, std::string>& values() const { return values_; }
  std::string format() const { return format_; }

 private:
  std::map<std::string, std::string> values_;  // lists stay as YAML flow text "[a, b]"
  std::string format_;
};

std::optional<int64_t> ParseFlinkDuration(const std::string& text);

}  // namespace sluice::sim
