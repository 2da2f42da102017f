#include "spec/parse.h"

#include <limits>

#include "common/strings.h"
#include "flinkconf/catalog.h"
#include "flinkconf/values.h"

namespace sluice::spec {
namespace {

using flinkconf::Severity;

std::string Describe(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kMap:
      return "a mapping";
    case Node::Kind::kSequence:
      return "a list";
    case Node::Kind::kNull:
      return "nothing";
    case Node::Kind::kScalar:
      break;
  }
  return (n.quoted ? "the string " : "") + Quote(n.scalar);
}

class Decoder {
 public:
  Decoder(std::vector<Problem>& problems, std::map<std::string, Mark>& marks)
      : problems_(problems), marks_(marks) {}

  void Error(const std::string& path, Mark mark, std::string message, std::string hint = "") {
    problems_.push_back({Severity::kError, path, mark, std::move(message), std::move(hint)});
  }

  // Checks that `n` is a mapping with only `allowed` keys, each once.
  bool Fields(const Node& n, const std::string& path, const std::vector<std::string>& allowed) {
    marks_.emplace(path, n.mark);
    if (!n.IsMap()) {
      Error(path, n.mark, "expected a mapping, found " + Describe(n));
      return false;
    }
    std::map<std::string, int> seen;
    for (const auto& e : n.entries()) {
      std::string child = Child(path, e.key);
      if (++seen[e.key] == 2) {
        Error(child, e.key_mark, "given more than once",
              "keep one; YAML mappings must not repeat a key");
      }
      bool known = false;
      for (const auto& a : allowed)
        known = known || a == e.key;
      if (known) continue;
      std::string hint;
      std::string close;
      for (const auto& a : allowed) {
        if (EqualsIgnoreCase(a, e.key)) close = a;
      }
      if (close.empty()) close = ClosestMatch(e.key, allowed);
      hint = close.empty() ? "known fields: " + Join(allowed, ", ")
                           : "did you mean " + Quote(close) + "?";
      Error(child, e.key_mark, "unknown field " + Quote(e.key), hint);
    }
    return true;
  }

  // The value of `key` in `map`, recording its position; nullptr when absent or null.
  const Node* Get(const Node& map, const std::string& path, std::string_view key) {
    auto e = map.Find(key);
    if (!e) return nullptr;
    std::string child = Child(path, key);
    marks_[child] = e->value.mark.line ? e->value.mark : e->key_mark;
    if (e->value.IsNull()) return nullptr;
    return &e->value;
  }

  void Str(const Node& map, const std::string& path, std::string_view key, std::string& out) {
    const Node* n = Get(map, path, key);
    if (!n) return;
    if (!n->IsScalar()) {
      Error(Child(path, key), n->mark, "expected a string, found " + Describe(*n));
      return;
    }
    out = n->scalar;
  }

  void Int(const Node& map, const std::string& path, std::string_view key,
           std::optional<int>& out) {
    const Node* n = Get(map, path, key);
    if (!n) return;
    std::string child = Child(path, key);
    if (!n->IsScalar() || n->quoted) {
      Error(child, n->mark, "expected a whole number, found " + Describe(*n),
            n->quoted ? "remove the quotes" : "");
      return;
    }
    auto v = flinkconf::ParseInteger(n->scalar, std::numeric_limits<int>::min(),
                                     std::numeric_limits<int>::max());
    if (!v.ok()) {
      Error(child, n->mark, "expected a whole number, found " + Describe(*n));
      return;
    }
    out = static_cast<int>(*v);
  }

  void Double(const Node& map, const std::string& path, std::string_view key,
              std::optional<double>& out) {
    const Node* n = Get(map, path, key);
    if (!n) return;
    std::string child = Child(path, key);
    std::optional<double> v;
    if (n->IsScalar() && !n->quoted) v = ParseDouble(n->scalar);
    if (!v || !std::isfinite(*v)) {
      Error(child, n->mark, "expected a number, found " + Describe(*n),
            n->quoted ? "remove the quotes" : "");
      return;
    }
    out = *v;
  }

  void Bool(const Node& map, const std::string& path, std::string_view key,
            std::optional<bool>& out) {
    const Node* n = Get(map, path, key);
    if (!n) return;
    if (n->IsScalar() && !n->quoted && (n->scalar == "true" || n->scalar == "false")) {
      out = n->scalar == "true";
      return;
    }
    Error(Child(path, key), n->mark, "expected true or false, found " + Describe(*n));
  }

  void StrList(const Node& map, const std::string& path, std::string_view key,
               std::vector<std::string>& out) {
    const Node* n = Get(map, path, key);
    if (!n) return;
    std::string child = Child(path, key);
    if (!n->IsSequence()) {
      Error(child, n->mark, "expected a list of strings, found " + Describe(*n));
      return;
    }
    for (size_t i = 0; i < n->items.size(); ++i) {
      const Node& item = n->items[i];
      marks_[Index(child, i)] = item.mark;
      if (!item.IsScalar()) {
        Error(Index(child, i), item.mark, "expected a string, found " + Describe(item));
        continue;
      }
      out.push_back(item.scalar);
    }
  }

  void StrMap(const Node& map, const std::string& path, std::string_view key,
              std::map<std::string, std::string>& out) {
    const Node* n = Get(map, path, key);
    if (!n) return;
    std::string child = Child(path, key);
    if (!n->IsMap()) {
      Error(child, n->mark, "expected a mapping of strings, found " + Describe(*n));
      return;
    }
    for (const auto& e : n->entries()) {
      std::string p = Key(child, e.key);
      marks_[p] = e.value.mark.line ? e.value.mark : e.key_mark;
      if (out.count(e.key)) {
        Error(p, e.key_mark, "given more than once", "keep one");
        continue;
      }
      if (!e.value.IsScalar()) {
        Error(p, e.value.mark.line ? e.value.mark : e.key_mark,
              "expected a string, found " + Describe(e.value));
        continue;
      }
      out[e.key] = e.value.scalar;
    }
  }

  void Object(const Node& map, const std::string& path, std::string_view key, nlohmann::json& out) {
    const Node* n = Get(map, path, key);
    if (!n) return;
    if (!n->IsMap()) {
      Error(Child(path, key), n->mark,
            "expected a mapping (a Kubernetes pod template), found " + Describe(*n));
      return;
    }
    out = ToJson(*n);
  }

  // Flink configuration: flat or nested keys, flattened like Flink's config.yaml reader;
  // the mapping under a Map option stays one value.
  void FlinkConfiguration(const Node& n, const std::string& path, const std::string& prefix,
                          const flinkconf::Catalog& catalog,
                          std::map<std::string, std::string>& out) {
    for (const auto& e : n.entries()) {
      std::string key = prefix + e.key;
      std::string p = Key(path, key);
      Mark mark = e.value.mark.line ? e.value.mark : e.key_mark;
      const flinkconf::Option* option = catalog.Find(key);
      bool map_option = option && option->type == flinkconf::OptionType::kMap;
      if (e.value.IsMap() && !map_option) {
        FlinkConfiguration(e.value, path, key + ".", catalog, out);
        continue;
      }
      marks_[p] = mark;
      std::string value;
      if (e.value.IsScalar()) {
        value = e.value.scalar;
      } else if (e.value.IsSequence()) {
        std::vector<std::string> items;
        for (const auto& item : e.value.items) {
          if (item.IsMap()) {
            std::vector<std::pair<std::string, std::string>> entries;
            for (const auto& kv : item.entries())
              entries.emplace_back(kv.key, kv.value.scalar);
            items.push_back(flinkconf::JoinMap(entries));
          } else {
            items.push_back(item.scalar);
          }
        }
        value = flinkconf::JoinList(items);
      } else if (e.value.IsMap()) {
        std::vector<std::pair<std::string, std::string>> entries;
        for (const auto& kv : e.value.entries())
          entries.emplace_back(kv.key, kv.value.scalar);
        value = flinkconf::JoinMap(entries);
      } else {
        Error(p, mark, "has no value", "give a value or remove the key");
        continue;
      }
      if (out.count(key)) {
        Error(p, mark, "given more than once (nested and flat keys name the same option)",
              "keep one");
        continue;
      }
      out[key] = value;
    }
  }

 private:
  std::vector<Problem>& problems_;
  std::map<std::string, Mark>& marks_;
};

template <typename E, typename F>
void Enum(Decoder& d, const Node& map, const std::string& path, std::string_view key,
          std::optional<E>& out, F parse, const std::vector<std::string>& names) {
  std::string text;
  d.Str(map, path, key, text);
  if (text.empty()) return;
  if (auto v = parse(text)) {
    out = *v;
    return;
  }
  std::string close = ClosestMatch(text, names);
  d.Error(Child(path, key), d.Get(map, path, key)->mark,
          Quote(text) + " is not one of " + Join(names, ", "),
          close.empty() ? "" : "did you mean " + Quote(close) + "?");
}

template <typename E>
std::optional<E> FromNames(std::string_view text,
                           std::initializer_list<std::pair<E, std::string_view>> names) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

void DecodeResource(Decoder& d, const Node& parent, const std::string& path, Resource& r) {
  const Node* n = d.Get(parent, path, "resource");
  if (!n) return;
  std::string p = Child(path, "resource");
  if (!d.Fields(*n, p, {"cpu", "memory"})) return;
  d.Double(*n, p, "cpu", r.cpu);
  d.Str(*n, p, "memory", r.memory);
}

void DecodeSpec(Decoder& d, const Node& n, JobSpec& job) {
  const std::string path = "spec";
  if (!d.Fields(n, path,
                {"flinkVersion",
                 "target",
                 "cluster",
                 "sessionCluster",
                 "namespace",
                 "image",
                 "imagePullPolicy",
                 "serviceAccount",
                 "sql",
                 "sqlFile",
                 "jar",
                 "dependencies",
                 "parallelism",
                 "flinkConfiguration",
                 "jobManager",
                 "taskManager",
                 "podTemplate",
                 "restService",
                 "upgradeMode",
                 "savepointDirectory",
                 "checkpointDirectory",
                 "restore",
                 "restartPolicy",
                 "savepointSchedule",
                 "state",
                 "logConfiguration",
                 "env"})) {
    return;
  }
  Spec& s = job.spec;
  d.Str(n, path, "flinkVersion", s.flink_version);
  Enum(d, n, path, "target", s.target, ParseTarget, TargetNames());
  d.Str(n, path, "cluster", s.cluster);
  d.Str(n, path, "sessionCluster", s.session_cluster);
  d.Str(n, path, "namespace", s.namespace_);
  d.Str(n, path, "image", s.image);
  d.Str(n, path, "imagePullPolicy", s.image_pull_policy);
  d.Str(n, path, "serviceAccount", s.service_account);
  d.Str(n, path, "sql", s.sql);
  d.Str(n, path, "sqlFile", s.sql_file);
  if (const Node* jar = d.Get(n, path, "jar")) {
    std::string p = Child(path, "jar");
    if (d.Fields(*jar, p, {"jarURI", "entryClass", "args"})) {
      JarSpec j;
      d.Str(*jar, p, "jarURI", j.jar_uri);
      d.Str(*jar, p, "entryClass", j.entry_class);
      d.StrList(*jar, p, "args", j.args);
      s.jar = std::move(j);
    }
  }
  d.StrList(n, path, "dependencies", s.dependencies);
  d.Int(n, path, "parallelism", s.parallelism);
  if (const Node* fc = d.Get(n, path, "flinkConfiguration")) {
    std::string p = Child(path, "flinkConfiguration");
    if (!fc->IsMap()) {
      d.Error(p, fc->mark, "expected a mapping of Flink options, found " + Describe(*fc));
    } else {
      auto choice = flinkconf::CatalogFor(s.flink_version);
      const auto& catalog = choice.ok() ? *choice->catalog : flinkconf::NewestCatalog();
      d.FlinkConfiguration(*fc, p, "", catalog, s.flink_configuration);
    }
  }
  if (const Node* jm = d.Get(n, path, "jobManager")) {
    std::string p = Child(path, "jobManager");
    if (d.Fields(*jm, p, {"resource", "replicas", "podTemplate"})) {
      DecodeResource(d, *jm, p, s.job_manager.resource);
      d.Int(*jm, p, "replicas", s.job_manager.replicas);
      d.Object(*jm, p, "podTemplate", s.job_manager.pod_template);
    }
  }
  if (const Node* tm = d.Get(n, path, "taskManager")) {
    std::string p = Child(path, "taskManager");
    if (d.Fields(*tm, p, {"resource", "replicas", "slots", "podTemplate"})) {
      DecodeResource(d, *tm, p, s.task_manager.resource);
      d.Int(*tm, p, "replicas", s.task_manager.replicas);
      d.Int(*tm, p, "slots", s.task_manager.slots);
      d.Object(*tm, p, "podTemplate", s.task_manager.pod_template);
    }
  }
  d.Object(n, path, "podTemplate", s.pod_template);
  if (const Node* rs = d.Get(n, path, "restService")) {
    std::string p = Child(path, "restService");
    if (d.Fields(*rs, p, {"exposure"})) d.Str(*rs, p, "exposure", s.rest_service.exposure);
  }
  Enum(d, n, path, "upgradeMode", s.upgrade_mode,
       [](std::string_view t) {
         return FromNames<UpgradeMode>(t, {{UpgradeMode::kStateless, "stateless"},
                                           {UpgradeMode::kSavepoint, "savepoint"},
                                           {UpgradeMode::kLastState, "last-state"}});
       },
       {"stateless", "savepoint", "last-state"});
  d.Str(n, path, "savepointDirectory", s.savepoint_directory);
  d.Str(n, path, "checkpointDirectory", s.checkpoint_directory);
  if (const Node* r = d.Get(n, path, "restore")) {
    std::string p = Child(path, "restore");
    if (d.Fields(*r, p, {"mode", "path", "allowNonRestoredState"})) {
      Enum(d, *r, p, "mode", s.restore.mode,
           [](std::string_view t) {
             return FromNames<RestoreMode>(t, {{RestoreMode::kAuto, "auto"},
                                               {RestoreMode::kNone, "none"},
                                               {RestoreMode::kPath, "path"}});
           },
           {"auto", "none", "path"});
      d.Str(*r, p, "path", s.restore.path);
      d.Bool(*r, p, "allowNonRestoredState", s.restore.allow_non_restored_state);
    }
  }
  if (const Node* rp = d.Get(n, path, "restartPolicy")) {
    std::string p = Child(path, "restartPolicy");
    if (d.Fields(*rp, p, {"maxRestarts", "window", "backoff"})) {
      d.Int(*rp, p, "maxRestarts", s.restart_policy.max_restarts);
      d.Str(*rp, p, "window", s.restart_policy.window);
      d.Str(*rp, p, "backoff", s.restart_policy.backoff);
    }
  }
  if (const Node* ss = d.Get(n, path, "savepointSchedule")) {
    std::string p = Child(path, "savepointSchedule");
    if (d.Fields(*ss, p, {"interval", "retain"})) {
      d.Str(*ss, p, "interval", s.savepoint_schedule.interval);
      d.Int(*ss, p, "retain", s.savepoint_schedule.retain);
    }
  }
  Enum(d, n, path, "state", s.state,
       [](std::string_view t) {
         return FromNames<JobState>(
             t, {{JobState::kRunning, "running"}, {JobState::kSuspended, "suspended"}});
       },
       {"running", "suspended"});
  d.StrMap(n, path, "logConfiguration", s.log_configuration);
  d.StrMap(n, path, "env", s.env);
}

}  // namespace

std::string Child(const std::string& path, std::string_view field) {
  return path.empty() ? std::string(field) : path + "." + std::string(field);
}

std::string Key(const std::string& path, std::string_view key) {
  return path + "[" + Quote(key) + "]";
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string FormatProblem(const Problem& p, std::string_view source) {
  std::string out(flinkconf::SeverityName(p.severity));
  out += ": ";
  if (!source.empty()) {
    out += std::string(source);
    if (p.mark.line) out += ":" + std::to_string(p.mark.line) + ":" + std::to_string(p.mark.column);
    out += ": ";
  }
  if (!p.path.empty()) out += p.path + ": ";
  out += p.message;
  if (!p.hint.empty()) out += " (" + p.hint + ")";
  return out;
}

bool HasErrors(const std::vector<Problem>& problems) {
  for (const auto& p : problems) {
    if (p.severity == flinkconf::Severity::kError) return true;
  }
  return false;
}

ParsedSpec ParseJobSpec(std::string_view text, std::string_view source) {
  ParsedSpec out;
  auto tree = ParseTree(text, source);
  if (!tree.ok()) {
    // The tree error's `where` is "source:line:column"; keep it in the message form.
    Problem p;
    const Error& e = tree.error();
    std::string where = e.where;
    if (where.starts_with(std::string(source) + ":")) {
      auto parts = Split(where.substr(source.size() + 1), ':');
      if (parts.size() == 2) {
        p.mark = {static_cast<int>(ParseInt(parts[0]).value_or(0)),
                  static_cast<int>(ParseInt(parts[1]).value_or(0))};
      }
    }
    p.message = e.message;
    p.hint = e.hint;
    out.problems.push_back(std::move(p));
    return out;
  }
  Decoder d(out.problems, out.marks);
  const Node& root = *tree;
  if (root.IsNull()) {
    d.Error("", {}, "the document is empty", "start from the example in docs/job-spec.md");
    return out;
  }
  if (!d.Fields(root, "", {"apiVersion", "kind", "metadata", "spec"})) return out;
  JobSpec& job = out.job;
  d.Str(root, "", "apiVersion", job.api_version);
  d.Str(root, "", "kind", job.kind);
  if (const Node* m = d.Get(root, "", "metadata")) {
    if (d.Fields(*m, "metadata", {"name", "team", "labels"})) {
      d.Str(*m, "metadata", "name", job.metadata.name);
      d.Str(*m, "metadata", "team", job.metadata.team);
      d.StrMap(*m, "metadata", "labels", job.metadata.labels);
    }
  }
  if (const Node* s = d.Get(root, "", "spec")) {
    DecodeSpec(d, *s, job);
  } else {
    d.Error("spec", {}, "is missing", "every job needs a spec: see docs/job-spec.md");
  }
  if (HasErrors(out.problems)) return out;
  ApplyDefaults(job);
  auto problems = ValidateJobSpec(job, out.marks);
  out.problems.insert(out.problems.end(), problems.begin(), problems.end());
  return out;
}

Result<JobSpec> LoadJobSpec(std::string_view text, std::string_view source) {
  ParsedSpec parsed = ParseJobSpec(text, source);
  if (parsed.ok()) return std::move(parsed.job);
  std::vector<std::string> lines;
  for (const auto& p : parsed.problems) {
    if (p.severity == flinkconf::Severity::kError) lines.push_back(FormatProblem(p, source));
  }
  return InvalidArgument(Join(lines, "\n")).At(std::string(source));
}

}  // namespace sluice::spec
