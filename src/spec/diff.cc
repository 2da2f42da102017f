#include "spec/diff.h"

#include <map>

#include "common/redact.h"
#include "common/strings.h"
#include "spec/parse.h"
#include "spec/render.h"

namespace sluice::spec {
namespace {

using Json = nlohmann::ordered_json;

// Path -> value, descending into objects; lists are values.
void Flatten(const Json& v, const std::string& path, bool keyed, std::map<std::string, Json>& out) {
  if (v.is_object() && !v.empty()) {
    // Maps of user keys (flinkConfiguration, env, labels, ...) use ["key"] paths.
    static const std::vector<std::string> kKeyed = {"metadata.labels", "spec.flinkConfiguration",
                                                    "spec.logConfiguration", "spec.env"};
    for (const auto& [k, item] : v.items()) {
      std::string child = keyed ? Key(path, k) : Child(path, k);
      bool child_keyed = std::find(kKeyed.begin(), kKeyed.end(), child) != kKeyed.end();
      Flatten(item, child, child_keyed, out);
    }
    return;
  }
  out[path] = v;
}

Impact Classify(const std::string& path) {
  auto under = [&](std::string_view prefix) {
    return path == prefix || path.starts_with(std::string(prefix) + ".") ||
           path.starts_with(std::string(prefix) + "[");
  };
  if (under("metadata.name") || under("spec.target") || under("spec.cluster") ||
      under("spec.sessionCluster") || under("spec.namespace") || under("apiVersion") ||
      under("kind")) {
    return Impact::kRecreate;
  }
  if (under("spec.state")) return Impact::kStateChange;
  for (std::string_view p :
       {"metadata.team", "metadata.labels", "spec.restartPolicy", "spec.savepointSchedule",
        "spec.upgradeMode", "spec.restore", "spec.savepointDirectory"}) {
    if (under(p)) return Impact::kNone;
  }
  return Impact::kRedeploy;
}

bool SecretPath(const std::string& path) {
  // Only the user-named part: spec.env["DB_PASSWORD"], spec.flinkConfiguration["x.token"].
  size_t bracket = path.find('[');
  return bracket != std::string::npos && IsSecretKey(path.substr(bracket));
}

std::string Show(const std::string& path, const Json* v) {
  if (!v) return "";
  if (SecretPath(path)) return std::string(kRedacted);
  if (path == "spec.sql" && v->is_string())
    return Json(MaskSqlSecrets(v->get<std::string>())).dump();
  return v->dump();
}

}  // namespace

std::string_view ImpactName(Impact i) {
  switch (i) {
    case Impact::kNone:
      return "none";
    case Impact::kStateChange:
      return "state-change";
    case Impact::kRedeploy:
      return "redeploy";
    case Impact::kRecreate:
      return "recreate";
  }
  return "";
}

std::string MaskSqlSecrets(std::string_view sql) {
  // Single-quoted literals with their positions; a literal naming a secret option,
  // followed by '=' and another literal, has that second literal masked.
  struct Literal {
    size_t begin, end;  // [begin, end) including the quotes
    std::string text;
  };
  std::vector<Literal> literals;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '\'') continue;
    Literal lit{i, i, ""};
    size_t j = i + 1;
    for (; j < sql.size(); ++j) {
      if (sql[j] != '\'') {
        lit.text += sql[j];
      } else if (j + 1 < sql.size() && sql[j + 1] == '\'') {
        lit.text += '\'';
        ++j;
      } else {
        break;
      }
    }
    lit.end = std::min(j + 1, sql.size());
    literals.push_back(std::move(lit));
    i = j;
  }
  std::string out;
  size_t copied = 0;
  for (size_t k = 0; k + 1 < literals.size(); ++k) {
    const Literal& key = literals[k];
    const Literal& value = literals[k + 1];
    std::string_view between = sql.substr(key.end, value.begin - key.end);
    if (Trim(between) != "=" || !IsSecretKey(key.text)) continue;
    out += sql.substr(copied, value.begin - copied);
    out += "'" + std::string(kRedacted) + "'";
    copied = value.end;
    ++k;
  }
  out += sql.substr(copied);
  return out;
}

SpecDiff Diff(const JobSpec& before, const JobSpec& after) {
  std::map<std::string, Json> a, b;
  Flatten(ToJson(before), "", false, a);
  Flatten(ToJson(after), "", false, b);
  SpecDiff out;
  std::map<std::string, int> paths;
  for (const auto& [p, v] : a)
    paths[p] |= 1;
  for (const auto& [p, v] : b)
    paths[p] |= 2;
  for (const auto& [path, where] : paths) {
    const Json* old_value = where & 1 ? &a[path] : nullptr;
    const Json* new_value = where & 2 ? &b[path] : nullptr;
    if (old_value && new_value && *old_value == *new_value) continue;
    Change c;
    c.path = path;
    c.old_value = Show(path, old_value);
    c.new_value = Show(path, new_value);
    c.impact = Classify(path);
    if (c.impact > out.impact) out.impact = c.impact;
    out.changes.push_back(std::move(c));
  }
  return out;
}

}  // namespace sluice::spec
