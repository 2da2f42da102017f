#include "flinkconf/validate.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "common/strings.h"
#include "flinkconf/suggest.h"
#include "flinkconf/values.h"

namespace sluice::flinkconf {
namespace {

// First segments of options that belong in a SQL table's WITH clause.
bool LooksLikeConnectorOption(std::string_view key) {
  static const std::set<std::string, std::less<>> kFirst = {"connector",
                                                            "format",
                                                            "properties",
                                                            "scan",
                                                            "lookup",
                                                            "sink",
                                                            "source",
                                                            "key",
                                                            "value",
                                                            "topic",
                                                            "topics",
                                                            "topic-pattern",
                                                            "hostname",
                                                            "url",
                                                            "table-name",
                                                            "username",
                                                            "password",
                                                            "path",
                                                            "json",
                                                            "csv",
                                                            "avro",
                                                            "avro-confluent",
                                                            "debezium-json",
                                                            "canal-json",
                                                            "maxwell-json",
                                                            "ogg-json",
                                                            "raw",
                                                            "protobuf",
                                                            "parquet",
                                                            "orc",
                                                            "fields",
                                                            "rows-per-second",
                                                            "number-of-rows",
                                                            "database-name",
                                                            "schema-name",
                                                            "hosts",
                                                            "index",
                                                            "document-id",
                                                            "slot"};
  std::string_view first = key.substr(0, key.find('.'));
  return kFirst.count(first) > 0;
}

std::string Q(std::string_view s) {
  return Quote(s);
}

void CheckDuplicates(const ConfigEntries& entries, const ValidateOptions& options,
                     std::vector<Finding>& out) {
  std::map<std::string, std::vector<const ConfigEntry*>> by_key;
  std::vector<std::string> order;
  for (const auto& e : entries) {
    auto& list = by_key[e.key];
    if (list.empty()) order.push_back(e.key);
    list.push_back(&e);
  }
  for (const auto& key : order) {
    const auto& list = by_key[key];
    if (list.size() < 2) continue;
    std::vector<std::string> wheres, values;
    std::set<std::string> distinct;
    for (const auto* e : list) {
      wheres.push_back(e->where);
      values.push_back(ShowValue(key, e->value));
      distinct.insert(e->value);
    }
    Finding f;
    f.severity = options.duplicate_severity;
    f.code = "duplicate-key";
    f.key = key;
    f.where = list.back()->where;
    f.message = Q(key) + " is given " + std::to_string(list.size()) + " times";
    if (!options.duplicate_context.empty())
      f.message += " " + std::string(options.duplicate_context);
    f.message += " (" + Join(wheres, ", ") + ")";
    if (distinct.size() == 1) {
      f.message += " with the same value";
    } else {
      f.message += " with different values " + Join(values, ", ");
    }
    f.hint = options.duplicate_severity == Severity::kError ? "keep one of them"
                                                            : "the last one wins; keep one of them";
    out.push_back(std::move(f));
  }
}

void CheckType(const Option& option, const ConfigEntry& e, std::vector<Finding>& out) {
  Status s = CheckValue(option, e.value);
  if (s.ok()) return;
  Error err = std::move(s).error();
  Finding f;
  f.severity = Severity::kError;
  f.code = "invalid-value";
  f.key = e.key;
  f.where = e.where;
  // The parsers quote the value in their message; a secret must not be shown.
  std::string detail = err.message;
  if (ShowValue(e.key, e.value) != Quote(e.value)) {
    detail = "the value is not a valid " + option.type_name;
  }
  f.message = Q(e.key) + " expects " + option.type_name + ": " + detail;
  f.hint = err.hint;
  out.push_back(std::move(f));
}

}  // namespace

std::vector<Finding> Validate(const ConfigEntries& entries, const Catalog& catalog,
                              const ValidateOptions& options) {
  std::vector<Finding> out;
  CheckDuplicates(entries, options, out);

  std::map<std::string, const ConfigEntry*> last;
  std::vector<std::string> order;
  for (const auto& e : entries) {
    if (!last.count(e.key)) order.push_back(e.key);
    last[e.key] = &e;
  }
  const std::string& v = catalog.version();
  for (const auto& key : order) {
    const ConfigEntry& e = *last[key];
    KeyInfo info = catalog.Lookup(key);
    Finding f;
    f.key = key;
    f.where = e.where;
    switch (info.kind) {
      case KeyKind::kOption:
      case KeyKind::kPattern:
      case KeyKind::kInternal:
        if (info.option) CheckType(*info.option, e, out);
        break;
      case KeyKind::kMapEntry:
      case KeyKind::kPassThrough:
        break;
      case KeyKind::kDeprecated: {
        f.severity = Severity::kWarning;
        f.code = "deprecated-key";
        f.message =
            Q(key) + " is deprecated in Flink " + v + "; its key is now " + Q(info.option->key);
        if (last.count(info.option->key)) {
          f.message += " (both are set; Flink uses " + Q(info.option->key) + ")";
          f.hint = "remove " + Q(key);
        } else {
          f.hint = "rename it to " + Q(info.option->key) + "; Flink still reads the old key";
        }
        out.push_back(f);
        CheckType(*info.option, e, out);
        break;
      }
      case KeyKind::kRemoved:
      case KeyKind::kDropped: {
        f.severity = Severity::kWarning;
        if (info.kind == KeyKind::kRemoved) {
          f.code = "removed-key";
          f.message = Q(key) + " was removed in Flink " + info.since + " and has no effect on " + v;
        } else {
          f.code = "dropped-key";
          f.message = Q(key) + " is not documented for Flink " + v + " (gone since " + info.since +
                      "); it is deprecated or has no effect";
        }
        f.hint = info.replacement.empty() ? "remove it" : "use " + Q(info.replacement) + " instead";
        out.push_back(std::move(f));
        break;
      }
      case KeyKind::kUnknown: {
        f.severity = Severity::kWarning;
        if (LooksLikeConnectorOption(key)) {
          f.code = "connector-option";
          f.message = Q(key) +
                      " is not a Flink configuration option; it looks like a connector or "
                      "format option";
          f.hint = "put it in the WITH (...) clause of the CREATE TABLE statement";
          out.push_back(std::move(f));
          break;
        }
        f.code = "unknown-key";
        f.message = "unknown Flink " + v + " option " + Q(key) +
                    ": Flink ignores unknown keys, so it has no effect";
        if (auto s = Suggest(key, catalog)) {
          if (!s->key.empty()) {
            f.hint = "did you mean " + Q(s->key) + "?";
            if (!s->note.empty()) f.hint += " " + s->note;
          } else {
            f.hint = s->note;
          }
        }
        out.push_back(std::move(f));
        break;
      }
    }
  }

  std::map<std::string, std::string> where;
  for (const auto& [k, e] : last)
    where[k] = e->where;
  auto memory = CheckMemory(Effective(entries), catalog, where);
  out.insert(out.end(), memory.begin(), memory.end());
  return out;
}

Result<std::vector<Finding>> ValidateForVersion(const ConfigEntries& entries,
                                                std::string_view flink_version,
                                                const ValidateOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(CatalogChoice choice, CatalogFor(flink_version));
  std::vector<Finding> out;
  if (!choice.exact) {
    out.push_back({Severity::kInfo, "catalog-version", "", "", choice.Note(),
                   "keys added or removed between the two versions may be misreported"});
  }
  auto findings = Validate(entries, *choice.catalog, options);
  out.insert(out.end(), findings.begin(), findings.end());
  return out;
}

namespace {

class MemoryView {
 public:
  MemoryView(const FlatConfig& config, const Catalog& catalog,
             const std::map<std::string, std::string>& where)
      : config_(config), catalog_(catalog), where_(where) {}

  // The configured size, if set and valid.
  std::optional<uint64_t> Configured(const std::string& key) const {
    auto it = config_.find(key);
    if (it == config_.end()) return std::nullopt;
    auto bytes = ParseMemorySize(it->second);
    if (!bytes.ok()) return std::nullopt;
    return *bytes;
  }
  bool Invalid(const std::string& key) const {
    auto it = config_.find(key);
    return it != config_.end() && !ParseMemorySize(it->second).ok();
  }
  // The configured size, else Flink's default.
  uint64_t Effective(const std::string& key) const {
    if (auto c = Configured(key)) return *c;
    const Option* o = catalog_.Find(key);
    if (!o || o->default_value.empty()) return 0;
    if (o->default_value == "infinite") return std::numeric_limits<int64_t>::max();
    return ParseMemorySize(o->default_value).value_or(0);
  }
  std::string Where(const std::string& key) const {
    auto it = where_.find(key);
    return it == where_.end() ? key : it->second;
  }

 private:
  const FlatConfig& config_;
  const Catalog& catalog_;
  const std::map<std::string, std::string>& where_;
};

struct Part {
  std::string name;
  uint64_t bytes;
};

std::string Sum(const std::vector<Part>& parts) {
  std::vector<std::string> items;
  for (const auto& p : parts)
    items.push_back(p.name + " " + FormatMemorySize(p.bytes));
  return Join(items, " + ");
}

uint64_t Total(const std::vector<Part>& parts) {
  uint64_t t = 0;
  for (const auto& p : parts)
    t += p.bytes;
  return t;
}

Finding MemoryError(const MemoryView& m, const std::string& key, std::string message,
                    std::string hint) {
  return {Severity::kError, "memory", key, m.Where(key), std::move(message), std::move(hint)};
}

// The checks for one process (JobManager or TaskManager); `flink_parts` are the fixed
// parts of its total Flink memory.
void CheckProcess(const MemoryView& m, const std::string& prefix,
                  const std::vector<Part>& flink_parts, std::vector<Finding>& out) {
  const std::string process_key = prefix + "process.size";
  const std::string flink_key = prefix + "flink.size";
  auto process = m.Configured(process_key);
  auto flink = m.Configured(flink_key);
  uint64_t metaspace = m.Effective(prefix + "jvm-metaspace.size");
  uint64_t overhead_min = m.Effective(prefix + "jvm-overhead.min");
  uint64_t overhead_max = m.Effective(prefix + "jvm-overhead.max");

  if (process && flink && *flink > *process) {
    out.push_back(MemoryError(m, flink_key,
                              Q(flink_key) + " (" + FormatMemorySize(*flink) + ") is larger than " +
                                  Q(process_key) + " (" + FormatMemorySize(*process) + ")",
                              "the total Flink memory is a part of the process memory"));
    return;
  }
  if (flink && Total(flink_parts) > *flink) {
    out.push_back(MemoryError(
        m, flink_key,
        Q(flink_key) + " (" + FormatMemorySize(*flink) + ") is smaller than its fixed parts " +
            FormatMemorySize(Total(flink_parts)) + " (" + Sum(flink_parts) + ")",
        "raise it to at least " + FormatMemorySize(Total(flink_parts)) + " or lower the parts"));
  }
  if (process) {
    std::vector<Part> parts = {{"jvm-metaspace", metaspace}, {"jvm-overhead.min", overhead_min}};
    if (flink) {
      parts.push_back({"flink.size", *flink});
    } else {
      parts.insert(parts.end(), flink_parts.begin(), flink_parts.end());
    }
    if (Total(parts) > *process) {
      out.push_back(MemoryError(
          m, process_key,
          Q(process_key) + " (" + FormatMemorySize(*process) +
              ") is smaller than the fixed parts it must hold: " + FormatMemorySize(Total(parts)) +
              " (" + Sum(parts) + ")",
          "raise it to at least " + FormatMemorySize(Total(parts)) + " or lower the parts"));
    } else if (flink && *process - *flink - metaspace > overhead_max) {
      uint64_t overhead = *process - *flink - metaspace;
      out.push_back(MemoryError(m, process_key,
                                "with " + Q(process_key) + " " + FormatMemorySize(*process) +
                                    " and " + Q(flink_key) + " " + FormatMemorySize(*flink) +
                                    ", the JVM overhead would be " + FormatMemorySize(overhead) +
                                    ", more than " + Q(prefix + "jvm-overhead.max") + " (" +
                                    FormatMemorySize(overhead_max) + ")",
                                "set only one of the two sizes, or raise jvm-overhead.max"));
    }
  }
}

}  // namespace

std::vector<Finding> CheckMemory(const FlatConfig& config, const Catalog& catalog,
                                 const std::map<std::string, std::string>& where) {
  std::vector<Finding> out;
  MemoryView m(config, catalog, where);

  // Fractions of memory must be in [0, 1).
  for (const auto& [key, value] : config) {
    const Option* o = catalog.Find(key);
    if (!o || !key.ends_with(".fraction") || key.find(".memory.") == std::string::npos) continue;
    if (o->type != OptionType::kFloat && o->type != OptionType::kDouble) continue;
    auto f = ParseFloating(value);
    if (f.ok() && !(*f >= 0.0 && *f < 1.0)) {
      out.push_back(MemoryError(m, key, Q(key) + " is " + Q(value) + ", outside [0, 1)",
                                "a fraction is at least 0 and less than 1"));
    }
  }
  // <x>.min must not exceed <x>.max.
  for (const auto& [key, value] : config) {
    std::string base;
    if (key.ends_with(".min")) base = key.substr(0, key.size() - 4);
    if (key.ends_with(".max")) base = key.substr(0, key.size() - 4);
    if (base.empty()) continue;
    const Option* lo = catalog.Find(base + ".min");
    const Option* hi = catalog.Find(base + ".max");
    if (!lo || !hi || lo->type != OptionType::kMemorySize || hi->type != OptionType::kMemorySize) {
      continue;
    }
    if (key.ends_with(".max") && config.count(base + ".min")) continue;  // reported once
    if (m.Invalid(base + ".min") || m.Invalid(base + ".max")) continue;
    uint64_t min = m.Effective(base + ".min"), max = m.Effective(base + ".max");
    if (min > max) {
      out.push_back(MemoryError(m, key,
                                Q(base + ".min") + " (" + FormatMemorySize(min) +
                                    ") is larger than " + Q(base + ".max") + " (" +
                                    FormatMemorySize(max) + ")",
                                "make min at most max"));
    }
  }

  const std::string jm = "jobmanager.memory.";
  std::vector<Part> jm_parts;
  if (auto heap = m.Configured(jm + "heap.size")) jm_parts.push_back({"heap", *heap});
  jm_parts.push_back({"off-heap", m.Effective(jm + "off-heap.size")});
  CheckProcess(m, jm, jm_parts, out);

  const std::string tm = "taskmanager.memory.";
  std::vector<Part> tm_parts = {
      {"framework.heap", m.Effective(tm + "framework.heap.size")},
      {"framework.off-heap", m.Effective(tm + "framework.off-heap.size")},
      {"task.off-heap", m.Effective(tm + "task.off-heap.size")},
      {"network.min", m.Effective(tm + "network.min")},
  };
  if (auto heap = m.Configured(tm + "task.heap.size")) tm_parts.push_back({"task.heap", *heap});
  if (auto managed = m.Configured(tm + "managed.size")) tm_parts.push_back({"managed", *managed});
  CheckProcess(m, tm, tm_parts, out);
  return out;
}

}  // namespace sluice::flinkconf
