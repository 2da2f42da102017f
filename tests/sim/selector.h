// Label selectors (string form "a=b,c in (d,e),!f" and the JSON form of
// matchLabels/matchExpressions) and field selectors.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::sim {

using Labels = std::map<std::string, std::string>;

struct Requirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kEquals;
  std::vector<std::string> values;
};

class LabelSelector {
 public:
  static Result<LabelSelector> Parse(const std::string& text);
  static Result<LabelSelector> FromJson(const nlohmann::json& selector);  // metav1.LabelSelector
  bool Matches(const Labels& labels) const;
  bool empty() const { return reqs_.empty(); }

 private:
  std::vector<Requirement> reqs_;
};

class FieldSelector {
 public:
  // `kind` decides which fields may be selected (metadata.name and metadata.namespace
  // always; pods, events, secrets, ... their own), as the API server does.
  static Result<FieldSelector> Parse(const std::string& text, const std::string& kind);
  bool Matches(const nlohmann::json& object) const;
  bool empty() const { return reqs_.empty(); }

 private:
  std::vector<Requirement> reqs_;  // only kEquals and kNotEquals
};

Labels LabelsOf(const nlohmann::json& object);

}  // namespace sluice::sim
