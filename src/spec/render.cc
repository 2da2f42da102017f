#include "spec/render.h"

#include "common/strings.h"
#include "flinkconf/yaml_text.h"

namespace sluice::spec {
namespace {

using Json = nlohmann::ordered_json;

void PutString(Json& obj, const char* key, const std::string& v) {
  if (!v.empty()) obj[key] = v;
}

template <typename T>
void PutOptional(Json& obj, const char* key, const std::optional<T>& v) {
  if (v) obj[key] = *v;
}

void PutMap(Json& obj, const char* key, const std::map<std::string, std::string>& m) {
  if (m.empty()) return;
  Json j = Json::object();
  for (const auto& [k, v] : m)
    j[k] = v;
  obj[key] = std::move(j);
}

void PutObject(Json& obj, const char* key, const nlohmann::json& v) {
  if (!v.is_null()) obj[key] = Json::parse(v.dump());
}

void PutIfNotEmpty(Json& obj, const char* key, Json v) {
  if (!v.empty()) obj[key] = std::move(v);
}

Json ResourceJson(const Resource& r) {
  Json j = Json::object();
  PutOptional(j, "cpu", r.cpu);
  PutString(j, "memory", r.memory);
  return j;
}

// Block scalar for multi-line text when it can be one: no control characters except
// newlines and no trailing spaces on the last line.
bool LiteralBlockOk(const std::string& s) {
  if (s.find('\n') == std::string::npos) return false;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  }
  // The first non-empty line sets the indentation; it must not start with white space,
  // and no blank line before it may hold spaces.
  for (const auto& line : Split(s, '\n')) {
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') return false;
    break;
  }
  std::string_view body = s;
  while (!body.empty() && body.back() == '\n')
    body.remove_suffix(1);
  return body.empty() || (body.back() != ' ' && body.back() != '\t');
}

std::string Pad(int n) {
  return std::string(static_cast<size_t>(n), ' ');
}

void EmitValue(const Json& v, int indent, std::string& out);

std::string ScalarText(const Json& v) {
  if (v.is_string()) return flinkconf::YamlScalar(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "null";
  return v.dump();
}

// After "key:" or "- ": the value, inline or on the next lines.
void EmitAfterColon(const Json& v, int indent, std::string& out) {
  if (v.is_object()) {
    if (v.empty()) {
      out += " {}\n";
      return;
    }
    out += "\n";
    EmitValue(v, indent + 2, out);
  } else if (v.is_array()) {
    if (v.empty()) {
      out += " []\n";
      return;
    }
    out += "\n";
    EmitValue(v, indent, out);
  } else if (v.is_string() && LiteralBlockOk(v.get<std::string>())) {
    const std::string s = v.get<std::string>();
    size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n')
      ++trailing;
    out += trailing == 0 ? " |-\n" : trailing == 1 ? " |\n" : " |+\n";
    std::string body = s.substr(0, s.size() - trailing);
    for (const auto& line : Split(body, '\n'))
      out += (line.empty() ? "" : Pad(indent + 2) + line) + "\n";
    for (size_t i = 1; i < trailing; ++i)
      out += "\n";
  } else {
    out += " " + ScalarText(v) + "\n";
  }
}

void EmitValue(const Json& v, int indent, std::string& out) {
  if (v.is_object()) {
    for (const auto& [k, item] : v.items()) {
      out += Pad(indent) + flinkconf::YamlScalar(k) + ":";
      EmitAfterColon(item, indent, out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      out += Pad(indent) + "-";
      if (item.is_array() && !item.empty()) {
        out += "\n";
        EmitValue(item, indent + 2, out);
      } else if (item.is_object() && !item.empty()) {
        // First key on the dash line, the rest aligned under it.
        std::string nested;
        EmitValue(item, indent + 2, nested);
        out += " " + nested.substr(static_cast<size_t>(indent + 2));
      } else {
        EmitAfterColon(item, indent, out);
      }
    }
  } else {
    out += Pad(indent) + ScalarText(v) + "\n";
  }
}

}  // namespace

nlohmann::ordered_json ToJson(const JobSpec& job) {
  Json root = Json::object();
  root["apiVersion"] = job.api_version;
  root["kind"] = job.kind;
  Json meta = Json::object();
  PutString(meta, "name", job.metadata.name);
  PutString(meta, "team", job.metadata.team);
  PutMap(meta, "labels", job.metadata.labels);
  root["metadata"] = std::move(meta);

  const Spec& s = job.spec;
  Json spec = Json::object();
  PutString(spec, "flinkVersion", s.flink_version);
  if (s.target) spec["target"] = TargetName(*s.target);
  PutString(spec, "cluster", s.cluster);
  PutString(spec, "sessionCluster", s.session_cluster);
  PutString(spec, "namespace", s.namespace_);
  PutString(spec, "image", s.image);
  PutString(spec, "imagePullPolicy", s.image_pull_policy);
  PutString(spec, "serviceAccount", s.service_account);
  PutString(spec, "sql", s.sql);
  PutString(spec, "sqlFile", s.sql_file);
  if (s.jar) {
    Json jar = Json::object();
    PutString(jar, "jarURI", s.jar->jar_uri);
    PutString(jar, "entryClass", s.jar->entry_class);
    if (!s.jar->args.empty()) jar["args"] = s.jar->args;
    spec["jar"] = std::move(jar);
  }
  if (!s.dependencies.empty()) spec["dependencies"] = s.dependencies;
  PutOptional(spec, "parallelism", s.parallelism);
  PutMap(spec, "flinkConfiguration", s.flink_configuration);
  Json jm = Json::object();
  PutIfNotEmpty(jm, "resource", ResourceJson(s.job_manager.resource));
  PutOptional(jm, "replicas", s.job_manager.replicas);
  PutObject(jm, "podTemplate", s.job_manager.pod_template);
  PutIfNotEmpty(spec, "jobManager", std::move(jm));
  Json tm = Json::object();
  PutIfNotEmpty(tm, "resource", ResourceJson(s.task_manager.resource));
  PutOptional(tm, "replicas", s.task_manager.replicas);
  PutOptional(tm, "slots", s.task_manager.slots);
  PutObject(tm, "podTemplate", s.task_manager.pod_template);
  PutIfNotEmpty(spec, "taskManager", std::move(tm));
  PutObject(spec, "podTemplate", s.pod_template);
  if (!s.rest_service.exposure.empty())
    spec["restService"] = {{"exposure", s.rest_service.exposure}};
  if (s.upgrade_mode) spec["upgradeMode"] = UpgradeModeName(*s.upgrade_mode);
  PutString(spec, "savepointDirectory", s.savepoint_directory);
  PutString(spec, "checkpointDirectory", s.checkpoint_directory);
  Json restore = Json::object();
  if (s.restore.mode) restore["mode"] = RestoreModeName(*s.restore.mode);
  PutString(restore, "path", s.restore.path);
  PutOptional(restore, "allowNonRestoredState", s.restore.allow_non_restored_state);
  PutIfNotEmpty(spec, "restore", std::move(restore));
  Json restart = Json::object();
  PutOptional(restart, "maxRestarts", s.restart_policy.max_restarts);
  PutString(restart, "window", s.restart_policy.window);
  PutString(restart, "backoff", s.restart_policy.backoff);
  PutIfNotEmpty(spec, "restartPolicy", std::move(restart));
  Json schedule = Json::object();
  PutString(schedule, "interval", s.savepoint_schedule.interval);
  PutOptional(schedule, "retain", s.savepoint_schedule.retain);
  PutIfNotEmpty(spec, "savepointSchedule", std::move(schedule));
  if (s.state) spec["state"] = JobStateName(*s.state);
  PutMap(spec, "logConfiguration", s.log_configuration);
  PutMap(spec, "env", s.env);
  root["spec"] = std::move(spec);
  return root;
}

std::string RenderJson(const JobSpec& job) {
  return ToJson(job).dump(2) + "\n";
}

std::string JsonToYaml(const nlohmann::ordered_json& value) {
  std::string out;
  EmitValue(value, 0, out);
  return out;
}

std::string RenderYaml(const JobSpec& job) {
  return JsonToYaml(ToJson(job));
}

}  // namespace sluice::spec
