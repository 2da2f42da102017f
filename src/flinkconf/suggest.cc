#include "flinkconf/suggest.h"

#include <vector>

#include "common/strings.h"

namespace sluice::flinkconf {
namespace {

std::vector<std::string> SplitKey(std::string_view key) {
  return Split(key, '.');
}

std::string Tail(const std::vector<std::string>& segments, size_t n) {
  std::vector<std::string> tail(segments.end() - static_cast<long>(n), segments.end());
  return Join(tail, ".");
}

// An option key, or the option a deprecated key maps to.
std::optional<Suggestion> Known(std::string_view key, const Catalog& catalog) {
  if (const Option* o = catalog.Find(key)) return Suggestion{o->key, ""};
  auto d = catalog.deprecated_keys().find(key);
  if (d != catalog.deprecated_keys().end()) {
    return Suggestion{d->second, "\"" + std::string(key) + "\" is its deprecated spelling"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Suggestion> Suggest(std::string_view unknown, const Catalog& catalog) {
  std::vector<std::string> keys;
  for (const auto& o : catalog.options()) {
    if (!o.pattern) keys.push_back(o.key);
  }
  // 1. Typos.
  size_t limit = unknown.size() >= 8 ? 2 : 1;
  std::string best;
  size_t best_distance = limit + 1;
  auto consider = [&](const std::string& k) {
    size_t d = EditDistance(unknown, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  };
  for (const auto& k : keys)
    consider(k);
  for (const auto& [k, unused] : catalog.deprecated_keys())
    consider(k);
  if (!best.empty()) return Known(best, catalog);

  // 2. A known key behind a wrong prefix.
  std::vector<std::string> segments = SplitKey(unknown);
  for (size_t drop = 1; drop < segments.size(); ++drop) {
    std::string suffix = Tail(segments, segments.size() - drop);
    if (auto s = Known(suffix, catalog)) return s;
  }

  // 3. The same last two segments.
  if (segments.size() >= 2) {
    std::string tail = "." + Tail(segments, 2);
    std::string choice;
    for (const auto& k : keys) {
      if (!k.ends_with(tail)) continue;
      bool same_first = k.starts_with(segments.front() + ".");
      bool choice_same_first = !choice.empty() && choice.starts_with(segments.front() + ".");
      if (choice.empty() || (same_first && !choice_same_first) ||
          (same_first == choice_same_first &&
           EditDistance(unknown, k) < EditDistance(unknown, choice))) {
        choice = k;
      }
    }
    if (!choice.empty()) return Suggestion{choice, ""};
  }

  // 4. A key of a later catalog.
  for (const auto& later : Catalogs()) {
    if (FlinkVersion::Parse(later.version()).value() <=
        FlinkVersion::Parse(catalog.version()).value()) {
      continue;
    }
    const Option* o = later.Find(unknown);
    if (!o) continue;
    for (const auto& old_key : o->deprecated_keys) {
      if (catalog.Find(old_key)) {
        return Suggestion{old_key, "\"" + std::string(unknown) + "\" is its name from Flink " +
                                       later.version() + " on"};
      }
    }
    return Suggestion{"", "\"" + std::string(unknown) + "\" exists from Flink " + later.version() +
                              " on; it has no effect on " + catalog.version()};
  }

  // 5. The closest key.
  std::string closest = ClosestMatch(unknown, keys);
  if (!closest.empty()) return Suggestion{closest, ""};
  return std::nullopt;
}

}  // namespace sluice::flinkconf
