#include "catalog_generator.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/fs.h"
#include "common/strings.h"
#include "option_tables.h"

namespace sluice::flinkconf_gen {
namespace fs = std::filesystem;

namespace {

struct Option {
  std::string type;
  std::string default_value;
  std::vector<std::string> values;
  std::string description;
};
using Options = std::map<std::string, Option>;

struct TableRule {
  std::string action;  // skip | prefix
  std::string argument;
};

struct DeprecatedRule {
  std::string key, replacement, from;
};

struct PrefixRule {
  std::string key, type, from, note;
};

struct Rules {
  std::map<std::string, TableRule> tables;
  std::vector<DeprecatedRule> deprecated;
  std::map<std::string, std::string> removed;  // key -> version it was removed in
  std::vector<PrefixRule> internal;
  std::vector<PrefixRule> passthrough;
};

struct Row {
  std::string kind, key, type, default_value;
  std::vector<std::string> values, deprecated;
  std::string replacement, since, description;
};

std::vector<int> VersionParts(std::string_view v) {
  std::vector<int> parts;
  for (const auto& p : Split(v, '.'))
    parts.push_back(static_cast<int>(ParseInt(p).value_or(0)));
  return parts;
}

bool VersionLE(std::string_view a, std::string_view b) {
  return !VersionLess(b, a);
}

// Rows of a rules file: tab-separated, '#' starts a comment line.
Result<std::vector<std::vector<std::string>>> ReadRules(const fs::path& file, size_t min_cols) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> lines = Split(text, '\n');
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = Trim(lines[n]);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = Split(line, '\t');
    if (cols.size() < min_cols) {
      return InvalidArgument("expected at least " + std::to_string(min_cols) +
                             " tab-separated columns")
          .At(file.string() + ":" + std::to_string(n + 1));
    }
    for (auto& c : cols)
      c = std::string(Trim(c));
    rows.push_back(std::move(cols));
  }
  return rows;
}

Result<Rules> LoadRules(const fs::path& dir) {
  Rules rules;
  SLUICE_ASSIGN_OR_RETURN(auto tables, ReadRules(dir / "tables.tsv", 2));
  for (auto& r : tables) {
    if (r[1] != "skip" && r[1] != "prefix") {
      return InvalidArgument("unknown table action " + Quote(r[1]) + " (skip or prefix)")
          .At((dir / "tables.tsv").string());
    }
    rules.tables[r[0]] = {r[1], r.size() > 2 ? r[2] : ""};
  }
  SLUICE_ASSIGN_OR_RETURN(auto deprecated, ReadRules(dir / "deprecated-keys.tsv", 3));
  for (auto& r : deprecated)
    rules.deprecated.push_back({r[0], r[1], r[2]});
  SLUICE_ASSIGN_OR_RETURN(auto removed, ReadRules(dir / "removed-keys.tsv", 2));
  for (auto& r : removed)
    rules.removed[r[0]] = r[1];
  SLUICE_ASSIGN_OR_RETURN(auto internal, ReadRules(dir / "internal-keys.tsv", 2));
  for (auto& r : internal)
    rules.internal.push_back({r[0], r[1], r.size() > 2 ? r[2] : ""});
  SLUICE_ASSIGN_OR_RETURN(auto pass, ReadRules(dir / "passthrough-prefixes.tsv", 1));
  for (auto& r : pass)
    rules.passthrough.push_back({r[0], "", r.size() > 1 ? r[1] : ""});
  return rules;
}

// Flink's docs quote string defaults ("hashmap") and list elements ("a"; "b"); the
// catalog holds defaults in the form Flink reads (hashmap, a;b).
std::string NormalizeDefault(std::string_view d, std::string_view type) {
  d = Trim(d);
  if (d == "(none)") return "";
  if (type.starts_with("List<") && d.size() >= 2 && d.front() == '"' && d.back() == '"') {
    std::vector<std::string> elements;
    std::string current;
    bool in_quotes = false;
    for (char c : d) {
      if (c == '"') {
        in_quotes = !in_quotes;
      } else if (c == ';' && !in_quotes) {
        elements.push_back(std::string(Trim(current)));
        current.clear();
      } else {
        current += c;
      }
    }
    elements.push_back(std::string(Trim(current)));
    std::string out;
    for (size_t i = 0; i < elements.size(); ++i) {
      bool quote = elements[i].find_first_of(";'\"") != std::string::npos;
      if (i) out += ';';
      out += quote ? "'" + ReplaceAll(elements[i], "'", "''") + "'" : elements[i];
    }
    return out;
  }
  if (d.size() >= 2 && d.front() == '"' && d.back() == '"') d = d.substr(1, d.size() - 2);
  return std::string(d);
}

// The first sentence, at most 200 characters, on one line.
std::string OneLine(std::string_view text) {
  std::string t(Trim(text));
  for (char& c : t) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  size_t cut = std::string::npos;
  for (size_t pos = t.find(". "); pos != std::string::npos; pos = t.find(". ", pos + 1)) {
    std::string_view before = std::string_view(t).substr(0, pos);
    if (before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with("etc") ||
        before.ends_with("vs")) {
      continue;
    }
    cut = pos + 1;
    break;
  }
  if (cut != std::string::npos) t.resize(cut);
  constexpr size_t kMax = 200;
  if (t.size() > kMax) {
    size_t space = t.rfind(' ', kMax - 3);
    t.resize(space == std::string::npos ? kMax - 3 : space);
    t += "...";
  }
  return t;
}

std::string FirstSentenceKey(std::string_view description) {
  return ToLower(OneLine(description));
}

std::set<std::string> Words(std::string_view text) {
  std::set<std::string> out;
  std::string word;
  for (char c : ToLower(text)) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += c;
    } else if (!word.empty()) {
      out.insert(word);
      word.clear();
    }
  }
  if (!word.empty()) out.insert(word);
  return out;
}

double Jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t common = 0;
  for (const auto& w : a)
    common += b.count(w);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

std::string LastSegment(std::string_view key) {
  size_t dot = key.rfind('.');
  return std::string(dot == std::string_view::npos ? key : key.substr(dot + 1));
}

bool IsPatternKey(std::string_view key) {
  return key.find('<') != std::string_view::npos || key.find('#') != std::string_view::npos;
}

Result<Options> LoadVersion(const fs::path& config_dir, const std::string& version,
                            const Rules& rules) {
  SLUICE_ASSIGN_OR_RETURN(auto tsv, ReadOptionsTsv(config_dir / ("options-" + version + ".tsv")));
  // The HTML tables carry what the TSV flattens away: enum values and List<Enum> types.
  std::map<std::string, RawOption> html;
  fs::path html_dir = config_dir / version;
  if (fs::is_directory(html_dir)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(html_dir)) {
      if (e.path().extension() == ".html") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      SLUICE_ASSIGN_OR_RETURN(auto rows, ReadOptionsHtml(f));
      for (auto& r : rows)
        html.emplace(r.table + "\t" + r.key, std::move(r));
    }
  }
  Options out;
  auto add = [&](const RawOption& raw, const RawOption* rich) {
    std::string key = raw.key;
    auto rule = rules.tables.find(raw.table);
    if (rule != rules.tables.end()) {
      if (rule->second.action == "skip") return;
      key = rule->second.argument + key;
    }
    if (out.count(key)) return;  // the first table that documents a key wins
    Option o;
    o.type = rich ? rich->type : raw.type;
    o.default_value = NormalizeDefault(raw.default_value, o.type);
    if (rich) o.values = rich->enum_values;
    o.description = OneLine(raw.description);
    out.emplace(std::move(key), std::move(o));
  };
  std::set<std::string> seen;
  for (const auto& raw : tsv) {
    auto it = html.find(raw.table + "\t" + raw.key);
    add(raw, it == html.end() ? nullptr : &it->second);
    seen.insert(raw.table + "\t" + raw.key);
  }
  for (const auto& [id, raw] : html) {
    if (!seen.count(id)) add(raw, &raw);
  }
  return out;
}

// Keys that disappear between two catalogs while a key with the same description (or the
// same last segment and mostly the same words) appears: Flink's renames.
std::map<std::string, std::string> FindRenames(const Options& before, const Options& after) {
  std::vector<std::string> fresh;
  for (const auto& [k, o] : after) {
    if (!before.count(k) && !IsPatternKey(k)) fresh.push_back(k);
  }
  std::map<std::string, std::string> renames;
  for (const auto& [gone, old] : before) {
    if (after.count(gone) || IsPatternKey(gone)) continue;
    std::string sentence = FirstSentenceKey(old.description);
    std::vector<std::string> candidates;
    for (const auto& k : fresh) {
      if (!sentence.empty() && FirstSentenceKey(after.at(k).description) == sentence) {
        candidates.push_back(k);
      }
    }
    if (candidates.empty()) {
      auto words = Words(old.description);
      for (const auto& k : fresh) {
        if (LastSegment(k) == LastSegment(gone) &&
            Jaccard(words, Words(after.at(k).description)) >= 0.5) {
          candidates.push_back(k);
        }
      }
    }
    if (candidates.empty()) continue;
    std::string best = candidates.front();
    for (const auto& c : candidates) {
      if (EditDistance(gone, c) < EditDistance(gone, best)) best = c;
    }
    renames[gone] = best;
  }
  return renames;
}

std::string Field(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string Render(const std::string& version, std::vector<Row> rows) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.key, a.kind) < std::tie(b.key, b.kind);
  });
  std::string out;
  out += "# Flink " + version +
         " option catalog. Generated by tools/flinkconf-gen from ../shared/reference/"
         "flink-config and tools/flinkconf-gen/rules; do not edit, run `make catalog`.\n";
  out += "# kind\tkey\ttype\tdefault\tvalues\tdeprecated_keys\treplacement\tsince\tdescription\n";
  for (auto& r : rows) {
    std::sort(r.deprecated.begin(), r.deprecated.end());
    out += Field(r.kind) + '\t' + Field(r.key) + '\t' + Field(r.type) + '\t' +
           Field(r.default_value) + '\t' + Field(Join(r.values, "|")) + '\t' +
           Field(Join(r.deprecated, "|")) + '\t' + Field(r.replacement) + '\t' + Field(r.since) +
           '\t' + Field(r.description) + '\n';
  }
  return out;
}

}  // namespace

bool VersionLess(std::string_view a, std::string_view b) {
  return VersionParts(a) < VersionParts(b);
}

Result<std::vector<CatalogFile>> GenerateCatalogs(const fs::path& flink_config_dir,
                                                  const fs::path& rules_dir) {
  SLUICE_ASSIGN_OR_RETURN(Rules rules, LoadRules(rules_dir));
  std::vector<std::string> versions;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(flink_config_dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("options-") && name.ends_with(".tsv")) {
      versions.push_back(name.substr(8, name.size() - 12));
    }
  }
  if (ec) return NotFound("cannot list " + flink_config_dir.string() + ": " + ec.message());
  if (versions.empty()) {
    return NotFound("no options-<version>.tsv in " + flink_config_dir.string());
  }
  std::sort(versions.begin(), versions.end(), VersionLess);

  std::vector<Options> catalogs;
  for (const auto& v : versions) {
    SLUICE_ASSIGN_OR_RETURN(Options o, LoadVersion(flink_config_dir, v, rules));
    catalogs.push_back(std::move(o));
  }
  // renames[i]: keys of catalog i-1 renamed in catalog i.
  std::vector<std::map<std::string, std::string>> renames(versions.size());
  for (size_t i = 1; i < versions.size(); ++i)
    renames[i] = FindRenames(catalogs[i - 1], catalogs[i]);

  std::vector<CatalogFile> files;
  for (size_t i = 0; i < versions.size(); ++i) {
    const std::string& v = versions[i];
    const Options& options = catalogs[i];
    auto removed_by = [&](const std::string& key) {
      auto it = rules.removed.find(key);
      return it != rules.removed.end() && VersionLE(it->second, v) ? it->second : std::string();
    };
    // Follows renames up to this catalog: the key a renamed key maps to here, or "".
    auto current_name = [&](std::string key) -> std::string {
      for (size_t j = 1; j <= i; ++j) {
        auto it = renames[j].find(key);
        if (it != renames[j].end()) key = it->second;
      }
      return options.count(key) ? key : std::string();
    };

    std::map<std::string, Row> rows;
    for (const auto& [key, o] : options) {
      Row r;
      r.kind = IsPatternKey(key) ? "pattern" : "option";
      r.key = key;
      r.type = o.type;
      r.default_value = o.default_value;
      r.values = o.values;
      r.description = o.description;
      for (size_t j = 0; j <= i; ++j) {
        if (catalogs[j].count(key)) {
          r.since = versions[j];
          break;
        }
      }
      rows[key] = std::move(r);
    }
    std::set<std::string> deprecated;
    auto add_deprecated = [&](const std::string& old_key, const std::string& target) {
      if (target.empty() || options.count(old_key) || !removed_by(old_key).empty()) return;
      if (deprecated.insert(old_key).second) rows[target].deprecated.push_back(old_key);
    };
    for (const auto& d : rules.deprecated) {
      if (VersionLE(d.from, v) && options.count(d.replacement))
        add_deprecated(d.key, d.replacement);
    }
    for (size_t j = 1; j <= i; ++j) {
      for (const auto& [old_key, unused] : renames[j])
        add_deprecated(old_key, current_name(old_key));
    }
    // Keys an earlier catalog documented that this one neither documents nor maps.
    std::vector<Row> extra;
    std::set<std::string> gone;
    for (size_t j = 0; j < i; ++j) {
      for (const auto& [key, o] : catalogs[j]) {
        if (options.count(key) || deprecated.count(key) || !gone.insert(key).second) continue;
        Row r;
        r.key = key;
        r.replacement = current_name(key);
        std::string removed = removed_by(key);
        if (!removed.empty()) {
          r.kind = "removed";
          r.since = removed;
        } else {
          r.kind = "dropped";
          // The first catalog after the last one that documented it.
          for (size_t k = j + 1; k <= i; ++k) {
            if (catalogs[k].count(key)) {
              r.since.clear();
            } else if (r.since.empty()) {
              r.since = versions[k];
            }
          }
        }
        r.description = o.description;
        extra.push_back(std::move(r));
      }
    }
    for (const auto& [key, when] : rules.removed) {
      if (!VersionLE(when, v) || options.count(key) || deprecated.count(key) || gone.count(key)) {
        continue;
      }
      Row r;
      r.kind = "removed";
      r.key = key;
      r.since = when;
      r.replacement = current_name(key);
      extra.push_back(std::move(r));
    }
    for (const auto& p : rules.internal) {
      if (!VersionLE(p.from, v)) continue;
      Row r;
      r.kind = "internal";
      r.key = p.key;
      r.type = p.type;
      r.description = p.note;
      extra.push_back(std::move(r));
    }
    for (const auto& p : rules.passthrough) {
      Row r;
      r.kind = "passthrough";
      r.key = p.key;
      r.description = p.note;
      extra.push_back(std::move(r));
    }
    std::vector<Row> all;
    for (auto& [k, r] : rows)
      all.push_back(std::move(r));
    for (auto& r : extra)
      all.push_back(std::move(r));
    files.push_back({"flink-" + v + ".tsv", Render(v, std::move(all))});
  }
  return files;
}

}  // namespace sluice::flinkconf_gen
