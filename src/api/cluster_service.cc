#include "api/cluster_service.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "common/strings.h"
#include "common/time.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

const std::map<std::string, json>& Schemas() {
  static const std::map<std::string, json> schemas = {
      {"kubernetes",
       {{"type", "object"},
        {"additionalProperties", false},
        {"description",
         "A Kubernetes cluster, reached with an uploaded kubeconfig (secrets.kubeconfig) or, "
         "when Sluice runs inside it, with its service account (inCluster)."},
        {"properties",
         {{"namespace", {{"type", "string"}, {"format", "name"}, {"default", "default"}}},
          {"inCluster", {{"type", "boolean"}, {"default", false}}},
          {"context", {{"type", "string"}, {"minLength", 1}, {"maxLength", 253}}},
          {"apiServer", {{"type", "string"}, {"format", "uri"}}},
          {"serviceAccount", {{"type", "string"}, {"format", "name"}}}}}}},
      {"yarn",
       {{"type", "object"},
        {"additionalProperties", false},
        {"required", {"resourceManagerUrl"}},
        {"properties",
         {{"resourceManagerUrl", {{"type", "string"}, {"format", "uri"}}},
          {"queue", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}},
          {"hadoopConfDir", {{"type", "string"}, {"minLength", 1}, {"maxLength", 4096}}},
          {"principal", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}},
          {"flinkVersion", {{"type", "string"}, {"format", "name"}}}}}}},
      {"standalone",
       {{"type", "object"},
        {"additionalProperties", false},
        {"required", {"jobManagerUrl"}},
        {"properties",
         {{"jobManagerUrl", {{"type", "string"}, {"format", "uri"}}},
          {"username", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}},
          {"flinkVersion", {{"type", "string"}, {"format", "name"}}}}}}},
      {"flink-version",
       {{"type", "object"},
        {"additionalProperties", false},
        {"required", {"flinkHome", "version"}},
        {"properties",
         {{"flinkHome", {{"type", "string"}, {"minLength", 1}, {"maxLength", 4096}}},
          {"version", {{"type", "string"}, {"format", "version"}}}}}}},
  };
  return schemas;
}

const std::map<std::string, std::vector<std::string>>& Secrets() {
  static const std::map<std::string, std::vector<std::string>> secrets = {
      {"kubernetes", {"kubeconfig", "token"}},
      {"yarn", {"keytab"}},
      {"standalone", {"password", "token"}},
      {"flink-version", {}},
  };
  return secrets;
}

bool IsAbsoluteCleanPath(const std::string& p) {
  if (!p.starts_with("/")) return false;
  for (const auto& seg : Split(p, '/')) {
    if (seg == "..") return false;
  }
  return p.find('\0') == std::string::npos;
}

// A kubeconfig must be YAML with clusters, users and contexts, and name the context used.
void CheckKubeconfig(const std::string& text, const json& config,
                     std::vector<SchemaError>& errors) {
  const std::string path = "secrets.kubeconfig";
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    errors.push_back({path, "is not valid YAML (line " + std::to_string(e.mark.line + 1) +
                                ", column " + std::to_string(e.mark.column + 1) + "): " + e.msg});
    return;
  }
  if (!root.IsMap()) {
    errors.push_back(
        {path, "must be a kubeconfig: a YAML mapping with clusters, users and contexts"});
    return;
  }
  std::vector<std::string> contexts;
  try {
    for (const char* key : {"clusters", "users", "contexts"}) {
      if (!root[key] || !root[key].IsSequence() || root[key].size() == 0) {
        errors.push_back({path, std::string("has no ") + key});
      }
    }
    if (root["contexts"] && root["contexts"].IsSequence()) {
      for (const auto& c : root["contexts"]) {
        if (c.IsMap() && c["name"]) contexts.push_back(c["name"].as<std::string>());
      }
    }
    std::string wanted = config.value("context", "");
    if (wanted.empty() && root["current-context"])
      wanted = root["current-context"].as<std::string>();
    if (wanted.empty()) {
      errors.push_back({path, "has no current-context; set config.context"});
    } else if (std::find(contexts.begin(), contexts.end(), wanted) == contexts.end()) {
      errors.push_back({config.contains("context") ? "config.context" : path,
                        "context " + Quote(wanted) +
                            " is not in the kubeconfig (it has: " + Join(contexts, ", ") + ")"});
    }
  } catch (const YAML::Exception& e) {
    errors.push_back({path, "is not a usable kubeconfig: " + e.msg});
  }
}

}  // namespace

const std::vector<std::string>& ClusterService::Kinds() {
  static const std::vector<std::string> kinds = {"kubernetes", "yarn", "standalone",
                                                 "flink-version"};
  return kinds;
}

const json& ClusterService::ConfigSchema(const std::string& kind) {
  static const json none = json::object();
  auto it = Schemas().find(kind);
  return it == Schemas().end() ? none : it->second;
}

const std::vector<std::string>& ClusterService::SecretFields(const std::string& kind) {
  static const std::vector<std::string> none;
  auto it = Secrets().find(kind);
  return it == Secrets().end() ? none : it->second;
}

std::vector<std::string> ClusterService::TeamsOf(const store::Cluster& c) {
  std::vector<std::string> out;
  auto j = json::parse(c.teams_json, nullptr, false);
  if (j.is_array()) {
    for (const auto& t : j) {
      if (t.is_string()) out.push_back(t);
    }
  }
  return out;
}

Result<json> ClusterService::OpenSecrets(const store::Cluster& c) const {
  if (c.secrets.empty()) return json::object();
  SLUICE_ASSIGN_OR_RETURN(std::string text, box_->Open(c.secrets));
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return Internal("the stored secrets of cluster " + Quote(c.name) + " are damaged");
  return j;
}

std::vector<SchemaError> ClusterService::Validate(const ClusterInput& in,
                                                  const store::Cluster* current) const {
  std::vector<SchemaError> errors;
  if (!Schemas().contains(in.kind)) {
    std::string near = ClosestMatch(in.kind, Kinds());
    errors.push_back({"kind", "unknown kind " + Quote(in.kind) + "; use " + Join(Kinds(), ", ") +
                                  (near.empty() ? "" : " (did you mean " + Quote(near) + "?)")});
    return errors;
  }
  if (current && current->kind != in.kind) {
    errors.push_back({"kind", "cannot change from " + Quote(current->kind) +
                                  "; delete the cluster and create it again"});
    return errors;
  }
  SchemaValidator validator;
  auto config_errors = validator.Validate(ConfigSchema(in.kind), in.config, "config");
  errors.insert(errors.end(), config_errors.begin(), config_errors.end());
  for (const auto& [key, value] : in.config.items()) {
    if (std::find(SecretFields(in.kind).begin(), SecretFields(in.kind).end(), key) !=
        SecretFields(in.kind).end()) {
      for (auto& e : errors) {
        if (e.path == "config." + key) e.message += "; secrets go under secrets." + key;
      }
    }
  }

  // Secrets: only the kind's fields; a string sets one, null removes it.
  const auto& allowed = SecretFields(in.kind);
  std::set<std::string> present;
  if (current) {
    auto opened = OpenSecrets(*current);
    if (opened.ok()) {
      for (const auto& [k, v] : opened->items())
        present.insert(k);
    }
  }
  for (const auto& [key, value] : in.secrets.items()) {
    std::string path = "secrets." + key;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      errors.push_back({path, allowed.empty() ? "kind " + in.kind + " takes no secrets"
                                              : "is not a secret of kind " + in.kind +
                                                    "; known: " + Join(allowed, ", ")});
      continue;
    }
    if (value.is_null()) {
      present.erase(key);
    } else if (!value.is_string()) {
      errors.push_back({path, "must be a string or null (to remove it)"});
    } else if (value.get_ref<const std::string&>().empty()) {
      errors.push_back({path, "must not be empty; send null to remove it"});
    } else {
      present.insert(key);
    }
  }

  if (in.kind == "kubernetes" && errors.empty()) {
    bool in_cluster = in.config.value("inCluster", false);
    if (in_cluster && present.contains("kubeconfig")) {
      errors.push_back(
          {"config.inCluster", "is true, but a kubeconfig is set: use one or the other"});
    } else if (!in_cluster && !present.contains("kubeconfig")) {
      errors.push_back({"secrets.kubeconfig",
                        "is required unless config.inCluster is true; upload the kubeconfig "
                        "content"});
    }
    if (in.secrets.contains("kubeconfig") && in.secrets["kubeconfig"].is_string()) {
      CheckKubeconfig(in.secrets["kubeconfig"], in.config, errors);
    }
  }
  if (in.kind == "flink-version" && in.config.contains("flinkHome") &&
      in.config["flinkHome"].is_string() && !IsAbsoluteCleanPath(in.config["flinkHome"])) {
    errors.push_back({"config.flinkHome", "must be an absolute path without '..'"});
  }
  if (in.kind == "yarn" && in.config.contains("hadoopConfDir") &&
      in.config["hadoopConfDir"].is_string() && !IsAbsoluteCleanPath(in.config["hadoopConfDir"])) {
    errors.push_back({"config.hadoopConfDir", "must be an absolute path without '..'"});
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < in.teams.size(); ++i) {
    if (!seen.insert(in.teams[i]).second) {
      errors.push_back({IndexPath("teams", i), "repeats team " + Quote(in.teams[i])});
    }
  }
  return errors;
}

Status ClusterService::CheckReferences(const ClusterInput& in) const {
  for (size_t i = 0; i < in.teams.size(); ++i) {
    auto team = store_.FindTeam(in.teams[i]);
    if (!team.ok()) {
      if (team.error().code != ErrorCode::kNotFound) return std::move(team).error();
      return FailedPrecondition("team " + Quote(in.teams[i]) + " does not exist")
          .At(IndexPath("teams", i))
          .Hint("create the team first, or leave it out");
    }
  }
  if (in.config.contains("flinkVersion")) {
    std::string name = in.config["flinkVersion"];
    auto v = store_.FindCluster(name);
    if (!v.ok() || v->kind != "flink-version") {
      if (!v.ok() && v.error().code != ErrorCode::kNotFound) return std::move(v).error();
      return FailedPrecondition("there is no flink-version named " + Quote(name))
          .At("config.flinkVersion")
          .Hint("register the Flink distribution first (kind flink-version)");
    }
  }
  return Status::Ok();
}

Result<std::string> ClusterService::SealMerged(const ClusterInput& in,
                                               const store::Cluster* current) const {
  json merged = json::object();
  if (current) {
    SLUICE_ASSIGN_OR_RETURN(merged, OpenSecrets(*current));
  }
  for (const auto& [key, value] : in.secrets.items()) {
    if (value.is_null()) {
      merged.erase(key);
    } else {
      merged[key] = value;
    }
  }
  if (merged.empty()) return std::string();
  return box_->Seal(merged.dump());
}

Result<store::Cluster> ClusterService::Create(const ClusterInput& in) {
  SLUICE_ASSIGN_OR_RETURN(std::string sealed, SealMerged(in, nullptr));
  return store_.CreateCluster({.name = in.name,
                               .kind = in.kind,
                               .config_json = in.config.dump(),
                               .secrets = std::move(sealed),
                               .teams_json = json(in.teams).dump()});
}

Result<store::Cluster> ClusterService::Update(const ClusterInput& in, const store::Cluster& current,
                                              int64_t revision) {
  if (revision != current.revision) {
    return Conflict("cluster " + Quote(in.name) + " was changed concurrently: you sent revision " +
                    std::to_string(revision) + ", it is now at " + std::to_string(current.revision))
        .Hint("read it again and reapply your change");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string sealed, SealMerged(in, &current));
  store::Cluster next = current;
  next.config_json = in.config.dump();
  next.secrets = std::move(sealed);
  next.teams_json = json(in.teams).dump();
  next.revision = revision;
  return store_.UpdateCluster(next);
}

Status ClusterService::Delete(const std::string& name) {
  SLUICE_ASSIGN_OR_RETURN(int64_t jobs, store_.CountJobsUsingCluster(name));
  if (jobs > 0) {
    return FailedPrecondition("cluster " + Quote(name) + " is used by " + std::to_string(jobs) +
                              " job(s)")
        .Hint("delete those jobs or move them to another cluster first");
  }
  SLUICE_RETURN_IF_ERROR(store_.DeleteCluster(name));
  std::lock_guard lock(preflight_mu_);
  reports_.erase(name);
  return Status::Ok();
}

Result<json> ClusterService::RunPreflight(const store::Cluster& cluster, int64_t now_ms) {
  std::shared_ptr<ClusterPreflight> checker = preflight();
  if (!checker) {
    return Error{ErrorCode::kUnavailable, "this server runs no preflight checks", "",
                 "run `sluice serve` (it installs them), or check from a shell with "
                 "`sluice preflight -f job.yaml`"};
  }
  json checks = json::array();
  auto secrets = OpenSecrets(cluster);
  if (!secrets.ok()) {
    checks.push_back({{"name", "secrets"},
                      {"status", "error"},
                      {"message", secrets.error().message},
                      {"hint", "upload the cluster's secrets again (PUT /api/v1/clusters/" +
                                   cluster.name + ")"}});
  } else {
    json got = checker->Check(cluster, *secrets);
    if (got.is_array()) checks = std::move(got);
  }
  bool ok = true;
  for (const auto& c : checks) {
    if (c.value("status", "") == "error") ok = false;
  }
  json report = {{"ok", ok}, {"checkedAt", FormatRfc3339(now_ms)}, {"checks", checks}};
  std::lock_guard lock(preflight_mu_);
  reports_[cluster.name] = {cluster.revision, report};
  return report;
}

json ClusterService::LastPreflight(const store::Cluster& cluster) const {
  std::lock_guard lock(preflight_mu_);
  auto it = reports_.find(cluster.name);
  if (it == reports_.end() || it->second.revision != cluster.revision) return nullptr;
  return it->second.report;
}

json ClusterService::ToJson(const store::Cluster& c) const {
  json secrets = json::object();
  auto opened = OpenSecrets(c);
  for (const auto& field : SecretFields(c.kind)) {
    secrets[field] = opened.ok() && opened->contains(field);
  }
  json out = {{"name", c.name},
              {"kind", c.kind},
              {"config", json::parse(c.config_json, nullptr, false)},
              {"secrets", secrets},
              {"teams", TeamsOf(c)},
              {"revision", c.revision},
              {"createdAt", FormatRfc3339(c.created_at)},
              {"updatedAt", FormatRfc3339(c.updated_at)}};
  if (!opened.ok()) out["secretsError"] = opened.error().message;
  if (json last = LastPreflight(c); !last.is_null()) out["preflight"] = std::move(last);
  return out;
}

}  // namespace sluice::api
