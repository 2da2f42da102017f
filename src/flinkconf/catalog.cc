#include "flinkconf/catalog.h"

#include <algorithm>
#include <mutex>

#include "common/strings.h"

namespace sluice::flinkconf {

namespace internal {
struct EmbeddedCatalog {
  const char* version;
  const char* text;
  size_t size;
};
// Generated from catalog/*.tsv by embed_catalog.cmake.
extern const EmbeddedCatalog kEmbeddedCatalogs[];
extern const size_t kEmbeddedCatalogCount;
}  // namespace internal

namespace {

OptionType TypeFromName(std::string_view name) {
  if (name == "Boolean") return OptionType::kBoolean;
  if (name == "Integer") return OptionType::kInteger;
  if (name == "Long") return OptionType::kLong;
  if (name == "Float") return OptionType::kFloat;
  if (name == "Double") return OptionType::kDouble;
  if (name == "Duration") return OptionType::kDuration;
  if (name == "MemorySize") return OptionType::kMemorySize;
  if (name == "Enum") return OptionType::kEnum;
  if (name == "Map") return OptionType::kMap;
  if (name.starts_with("List<")) return OptionType::kList;
  return OptionType::kString;
}

std::vector<std::string> SplitBar(std::string_view s) {
  if (s.empty()) return {};
  return Split(s, '|');
}

std::vector<std::string_view> Segments(std::string_view key) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    if (dot == std::string_view::npos) {
      out.push_back(key.substr(start));
      return out;
    }
    out.push_back(key.substr(start, dot - start));
    start = dot + 1;
  }
}

bool IsPlaceholder(std::string_view segment) {
  return segment == "#" || (segment.size() > 2 && segment.front() == '<' && segment.back() == '>');
}

// A placeholder segment stands for one segment; as the last segment, for one or more.
bool MatchesPattern(const std::vector<std::string_view>& pattern,
                    const std::vector<std::string_view>& key) {
  if (key.size() < pattern.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    bool last = i + 1 == pattern.size();
    if (IsPlaceholder(pattern[i])) {
      if (key[i].empty()) return false;
      if (last) return true;
      continue;
    }
    if (pattern[i] != key[i]) return false;
  }
  return key.size() == pattern.size();
}

}  // namespace

Result<Catalog> Catalog::Parse(std::string version, std::string_view tsv) {
  Catalog c;
  c.version_ = std::move(version);
  std::vector<std::string> lines = Split(tsv, '\n');
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = Split(line, '\t');
    if (f.size() != 9) {
      return Internal("catalog line has " + std::to_string(f.size()) + " columns, expected 9")
          .At("flink-" + c.version_ + ".tsv:" + std::to_string(n + 1));
    }
    const std::string& kind = f[0];
    const std::string& key = f[1];
    if (kind == "option" || kind == "pattern") {
      Option o;
      o.key = key;
      o.type_name = f[2];
      o.type = TypeFromName(f[2]);
      if (o.type == OptionType::kList) {
        std::string_view inner = std::string_view(f[2]).substr(5);
        if (!inner.empty()) inner.remove_suffix(1);
        o.element_type = TypeFromName(inner);
      }
      o.default_value = f[3];
      o.values = SplitBar(f[4]);
      o.deprecated_keys = SplitBar(f[5]);
      o.since = f[7];
      o.description = f[8];
      o.pattern = kind == "pattern";
      c.options_.push_back(std::move(o));
    } else if (kind == "removed" || kind == "dropped") {
      c.gone_[key] = Gone{kind == "removed", f[6], f[7]};
    } else if (kind == "internal") {
      c.internal_.push_back(key);
      if (!key.ends_with('.')) {
        Option o;
        o.key = key;
        o.type_name = f[2].empty() ? "String" : f[2];
        o.type = TypeFromName(o.type_name);
        if (o.type == OptionType::kList) o.element_type = OptionType::kString;
        o.description = f[8];
        c.internal_options_[key] = std::move(o);
      }
    } else if (kind == "passthrough") {
      c.passthrough_.push_back(key);
    } else {
      return Internal("unknown catalog row kind " + Quote(kind))
          .At("flink-" + c.version_ + ".tsv:" + std::to_string(n + 1));
    }
  }
  std::sort(c.options_.begin(), c.options_.end(),
            [](const Option& a, const Option& b) { return a.key < b.key; });
  for (size_t i = 0; i < c.options_.size(); ++i) {
    const Option& o = c.options_[i];
    c.by_key_[o.key] = i;
    if (o.pattern) c.patterns_.push_back(i);
    for (const auto& d : o.deprecated_keys)
      c.deprecated_[d] = o.key;
  }
  return c;
}

const Option* Catalog::Find(std::string_view key) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end() || options_[it->second].pattern) return nullptr;
  return &options_[it->second];
}

KeyInfo Catalog::Lookup(std::string_view key) const {
  KeyInfo info;
  if (const Option* o = Find(key)) {
    info.kind = KeyKind::kOption;
    info.option = o;
    return info;
  }
  if (auto d = deprecated_.find(key); d != deprecated_.end()) {
    info.kind = KeyKind::kDeprecated;
    info.option = Find(d->second);
    return info;
  }
  if (auto it = internal_options_.find(key); it != internal_options_.end()) {
    info.kind = KeyKind::kInternal;
    info.option = &it->second;
    info.matched = key;
    return info;
  }
  for (const auto& k : internal_) {
    if (k.ends_with('.') && key.starts_with(k)) {
      info.kind = KeyKind::kInternal;
      info.matched = k;
      return info;
    }
  }
  std::vector<std::string_view> segments = Segments(key);
  const Option* best = nullptr;
  size_t best_literals = 0;
  for (size_t i : patterns_) {
    const Option& p = options_[i];
    std::vector<std::string_view> ps = Segments(p.key);
    if (!MatchesPattern(ps, segments)) continue;
    size_t literals = static_cast<size_t>(
        std::count_if(ps.begin(), ps.end(), [](std::string_view s) { return !IsPlaceholder(s); }));
    if (!best || literals > best_literals) {
      best = &p;
      best_literals = literals;
    }
  }
  if (best) {
    info.kind = KeyKind::kPattern;
    info.option = best;
    info.matched = best->key;
    return info;
  }
  // Flink reads Map options also from "<key>.<entry>: value" lines.
  for (size_t dot = key.rfind('.'); dot != std::string_view::npos && dot > 0;
       dot = key.rfind('.', dot - 1)) {
    const Option* o = Find(key.substr(0, dot));
    if (o && o->type == OptionType::kMap) {
      info.kind = KeyKind::kMapEntry;
      info.option = o;
      info.matched = o->key;
      return info;
    }
    if (dot == 0) break;
  }
  if (auto g = gone_.find(key); g != gone_.end()) {
    info.kind = g->second.removed ? KeyKind::kRemoved : KeyKind::kDropped;
    info.replacement = g->second.replacement;
    info.since = g->second.since;
    return info;
  }
  for (const auto& p : passthrough_) {
    if (key.starts_with(p) && key.size() >= p.size()) {
      info.kind = KeyKind::kPassThrough;
      info.matched = p;
      return info;
    }
  }
  return info;
}

const std::vector<Catalog>& Catalogs() {
  static const std::vector<Catalog>* all = [] {
    auto* v = new std::vector<Catalog>();
    for (size_t i = 0; i < internal::kEmbeddedCatalogCount; ++i) {
      const auto& e = internal::kEmbeddedCatalogs[i];
      auto c = Catalog::Parse(e.version, std::string_view(e.text, e.size));
      // The catalogs are generated and tested at build time; a broken one is a build bug.
      if (!c.ok()) std::abort();
      v->push_back(std::move(c).value());
    }
    std::sort(v->begin(), v->end(), [](const Catalog& a, const Catalog& b) {
      return FlinkVersion::Parse(a.version()).value() < FlinkVersion::Parse(b.version()).value();
    });
    return v;
  }();
  return *all;
}

const Catalog& NewestCatalog() {
  return Catalogs().back();
}

std::string NewestCatalogVersion() {
  std::string newest;
  for (size_t i = 0; i < internal::kEmbeddedCatalogCount; ++i) {
    std::string v = internal::kEmbeddedCatalogs[i].version;
    if (newest.empty() || FlinkVersion::Parse(newest).value() < FlinkVersion::Parse(v).value()) {
      newest = v;
    }
  }
  return newest;
}

std::string CatalogChoice::Note() const {
  if (exact || !catalog) return "";
  return "no option catalog for Flink " + requested.MajorMinor() + "; checked against the " +
         catalog->version() + " catalog";
}

CatalogChoice CatalogFor(const FlinkVersion& version) {
  const auto& all = Catalogs();
  CatalogChoice choice;
  choice.requested = version;
  const Catalog* floor_same_major = nullptr;
  const Catalog* oldest_same_major = nullptr;
  for (const auto& c : all) {
    FlinkVersion cv = FlinkVersion::Parse(c.version()).value();
    if (cv.major != version.major) continue;
    if (!oldest_same_major) oldest_same_major = &c;
    if (cv <= version) floor_same_major = &c;
  }
  if (floor_same_major) {
    choice.catalog = floor_same_major;
  } else if (oldest_same_major) {
    choice.catalog = oldest_same_major;
  } else {
    choice.catalog = version.major < FlinkVersion::Parse(all.front().version()).value().major
                         ? &all.front()
                         : &all.back();
  }
  choice.exact = FlinkVersion::Parse(choice.catalog->version()).value() == version;
  return choice;
}

Result<CatalogChoice> CatalogFor(std::string_view version) {
  SLUICE_ASSIGN_OR_RETURN(FlinkVersion v, FlinkVersion::Parse(version));
  return CatalogFor(v);
}

}  // namespace sluice::flinkconf
