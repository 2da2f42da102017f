// Equality-based Kubernetes label selectors ("a=b,c==d,e!=f,g,!h"), evaluated in memory.
// Set-based ones (in, notin) are not understood: Parse returns nullopt and the caller asks
// the API server instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sluice::observe {

class LabelSelector {
 public:
  static std::optional<LabelSelector> Parse(std::string_view text);
  bool Matches(const nlohmann::json& labels) const;  // metadata.labels (or null)
  // The value the selector requires for `key` (key=value), or "" when it requires none.
  std::string Required(std::string_view key) const;

 private:
  struct Term {
    enum class Op { kEquals, kNotEquals, kExists, kNotExists } op;
    std::string key, value;
  };
  std::vector<Term> terms_;
};

}  // namespace sluice::observe
