#include "deploy/native.h"

#include <charconv>
#include <cmath>

#include "common/redact.h"
#include "common/strings.h"
#include "deploy/flink_defaults.h"
#include "deploy/request.h"
#include "flinkconf/catalog.h"
#include "flinkconf/findings.h"
#include "flinkconf/values.h"
#include "spec/flink_config.h"
#include "spec/render.h"
#include "spec/resources.h"

namespace sluice::deploy {
namespace {

using Json = nlohmann::ordered_json;
using flinkconf::FlatConfig;

constexpr const char* kMainContainer = "flink-main-container";
constexpr const char* kConfDir = "/opt/flink/conf";
constexpr const char* kArtifactsDir = "/opt/flink/artifacts";
constexpr const char* kPodTemplateDir = "/opt/flink/pod-template";
constexpr const char* kTmTemplateFile = "taskmanager-pod-template.yaml";
constexpr int kRestPort = 8081, kRpcPort = 6123, kBlobPort = 6124, kTmRpcPort = 6122;

std::string Get(const FlatConfig& c, const std::string& key, const std::string& fallback = "") {
  auto it = c.find(key);
  return it == c.end() || it->second.empty() ? fallback : it->second;
}

std::string GetFirst(const FlatConfig& c, std::initializer_list<const char*> keys,
                     const std::string& fallback = "") {
  for (const char* k : keys) {
    std::string v = Get(c, k);
    if (!v.empty()) return v;
  }
  return fallback;
}

// Flink's Map options (k:v,k:v) as ordered pairs; empty on malformed text.
std::vector<std::pair<std::string, std::string>> MapOption(const std::string& text) {
  if (text.empty()) return {};
  auto m = flinkconf::ParseMap(text);
  return m.ok() ? *m : std::vector<std::pair<std::string, std::string>>{};
}

std::vector<std::string> ListOption(const std::string& text) {
  if (text.empty()) return {};
  std::string t(Trim(text));
  if (t.size() >= 2 && t.front() == '[' && t.back() == ']') {
    // A YAML flow list written through spec.flinkConfiguration.
    std::vector<std::string> out;
    for (auto& part : Split(t.substr(1, t.size() - 2), ',')) {
      std::string e(Trim(part));
      if (e.size() >= 2 && (e.front() == '\'' || e.front() == '"') && e.back() == e.front())
        e = e.substr(1, e.size() - 2);
      if (!e.empty()) out.push_back(e);
    }
    return out;
  }
  auto l = flinkconf::SplitEscaped(t, ';');
  return l.ok() ? *l : std::vector<std::string>{};
}

bool ParsesAsZero(const std::string& v) {
  return v.empty() || Trim(v) == "0";
}

Json OwnerReference(const std::string& cluster_id) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"name", cluster_id},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

Json Metadata(const std::string& name, const std::string& ns, const Json& labels) {
  Json m = {{"name", name}, {"namespace", ns}};
  if (!labels.is_null()) m["labels"] = labels;
  return m;
}

// spec pod templates: merged JobManager/TaskManager part over the common one.
Json MergeJson(Json base, const Json& over) {
  if (!base.is_object() || !over.is_object()) return over.is_null() ? base : over;
  for (const auto& [k, v] : over.items()) {
    if (base.contains(k) && base[k].is_object() && v.is_object()) {
      base[k] = MergeJson(base[k], v);
    } else {
      base[k] = v;
    }
  }
  return base;
}

// Lists Flink appends to: the template's entries first, then Flink's (by name).
void AppendByName(Json& into, const Json& template_list) {
  if (!template_list.is_array()) return;
  Json out = Json::array();
  for (const auto& e : template_list)
    out.push_back(e);
  for (const auto& e : into) {
    bool replaced = false;
    for (auto& o : out) {
      if (o.is_object() && e.is_object() && o.value("name", "") == e.value("name", "") &&
          !e.value("name", "").empty()) {
        o = e;
        replaced = true;
      }
    }
    if (!replaced) out.push_back(e);
  }
  into = out;
}

// A pod template file as Flink uses it: the template is the base, Flink's decorators
// set their fields over it; the main container merges, other containers stay.
Json ApplyPodTemplate(const Json& flink_pod, const Json& tmpl) {
  if (!tmpl.is_object() || tmpl.empty()) return flink_pod;
  Json pod = tmpl;
  Json meta = pod.value("metadata", Json::object());
  for (const auto& [k, v] : flink_pod["metadata"].items()) {
    if ((k == "labels" || k == "annotations") && meta.contains(k) && meta[k].is_object()) {
      for (const auto& [lk, lv] : v.items())
        meta[k][lk] = lv;
    } else {
      meta[k] = v;
    }
  }
  pod["metadata"] = meta;
  Json spec = pod.value("spec", Json::object());
  Json tcontainers = spec.value("containers", Json::array());
  Json tvolumes = spec.value("volumes", Json::array());
  for (const auto& [k, v] : flink_pod["spec"].items()) {
    if (k == "containers" || k == "volumes") continue;
    spec[k] = v;
  }
  Json main = flink_pod["spec"]["containers"][0];
  Json containers = Json::array();
  bool merged = false;
  for (const auto& c : tcontainers) {
    if (c.value("name", "") != kMainContainer) continue;
    Json m = c;
    for (const auto& [k, v] : main.items()) {
      if ((k == "env" || k == "ports" || k == "volumeMounts") && m.contains(k)) {
        Json list = v;
        AppendByName(list, m[k]);
        m[k] = list;
      } else {
        m[k] = v;
      }
    }
    containers.push_back(m);
    merged = true;
  }
  if (!merged) containers.push_back(main);
  for (const auto& c : tcontainers) {
    if (c.value("name", "") != kMainContainer) containers.push_back(c);
  }
  spec["containers"] = containers;
  Json volumes = flink_pod["spec"].value("volumes", Json::array());
  AppendByName(volumes, tvolumes);
  spec["volumes"] = volumes;
  pod["spec"] = spec;
  return pod;
}

Json Tolerations(const std::string& text) {
  Json out = Json::array();
  for (const auto& item : ListOption(text)) {
    Json t = Json::object();
    for (const auto& [k, v] : MapOption(item)) {
      std::string key = ToLower(k);
      if (key == "key") t["key"] = v;
      if (key == "operator") t["operator"] = v;
      if (key == "value") t["value"] = v;
      if (key == "effect") t["effect"] = v;
      if (key == "tolerationseconds") t["tolerationSeconds"] = ParseInt(v).value_or(0);
    }
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

int64_t MemoryMiB(const std::string& text, uint64_t fallback_bytes) {
  auto b = spec::ParseMemoryAmount(text);
  uint64_t bytes = b.ok() ? *b : fallback_bytes;
  return static_cast<int64_t>(bytes >> 20);
}

double Number(const std::string& text, double fallback) {
  auto d = ParseDouble(Trim(text));
  return d ? *d : fallback;
}

std::string ConfigFileName(const flinkconf::FlinkVersion& v) {
  return std::string(flinkconf::FileName(flinkconf::FormatFor(v)));
}

}  // namespace

std::string JavaDouble(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e7) {
    return std::to_string(static_cast<int64_t>(value)) + ".0";
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  std::string s(buf, r.ptr);
  if (s.find('.') == std::string::npos && s.find('e') == std::string::npos) s += ".0";
  return s;
}

nlohmann::ordered_json CommonLabels(const std::string& cluster_id) {
  return {{"type", "flink-native-kubernetes"}, {"app", cluster_id}};
}

nlohmann::ordered_json JobManagerSelector(const std::string& cluster_id) {
  Json l = CommonLabels(cluster_id);
  l["component"] = "jobmanager";
  return l;
}

void SetOwnerUid(NativeLayout& layout, const std::string& uid) {
  for (auto& o : layout.dependents) {
    if (!o["metadata"].contains("ownerReferences")) continue;
    for (auto& ref : o["metadata"]["ownerReferences"]) {
      if (ref.value("kind", "") == "Deployment" && ref.value("name", "") == layout.cluster_id) {
        // Keep Flink's field order: apiVersion, kind, name, uid, controller, blockOwnerDeletion.
        Json r = {{"apiVersion", "apps/v1"},   {"kind", "Deployment"},
                  {"name", layout.cluster_id}, {"uid", uid},
                  {"controller", true},        {"blockOwnerDeletion", true}};
        ref = r;
      }
    }
  }
}

Result<NativeLayout> RenderNative(const DeploymentRequest& request, ClusterMode mode) {
  const spec::JobSpec& job = request.job;
  const spec::Spec& s = job.spec;
  SLUICE_ASSIGN_OR_RETURN(flinkconf::FlinkVersion version, VersionOf(job));
  SLUICE_ASSIGN_OR_RETURN(flinkconf::CatalogChoice choice, flinkconf::CatalogFor(s.flink_version));
  const flinkconf::Catalog& catalog = *choice.catalog;
  const bool application = mode == ClusterMode::kApplication;
  NativeLayout out;
  out.cluster_id = request.cluster_id;
  out.namespace_ = request.namespace_;
  out.rest_service = request.cluster_id + "-rest";
  out.spec_hash = SpecHash(job);
  const std::string& cid = out.cluster_id;
  const std::string& ns = out.namespace_;

  // SQL first: its SET options are a layer of the configuration.
  std::optional<SqlArtifacts> sql;
  if (application && !s.sql.empty()) {
    std::string mode_key = "execution.runtime-mode";
    bool batch = ToLower(Get(FlatConfig(s.flink_configuration.begin(), s.flink_configuration.end()),
                             mode_key)) == "batch";
    SLUICE_ASSIGN_OR_RETURN(SqlArtifacts a, BuildSqlArtifacts(s.sql, version, batch));
    if (ToLower(Get(a.set_options, mode_key)) == "batch" && !batch) {
      SLUICE_ASSIGN_OR_RETURN(a, BuildSqlArtifacts(s.sql, version, true));
    }
    sql = std::move(a);
  } else if (application && !s.sql_file.empty()) {
    SLUICE_ASSIGN_OR_RETURN(SqlArtifacts a, SqlFileArtifacts(s.sql_file, version));
    sql = std::move(a);
  }
  FlatConfig sql_set;
  if (sql) {
    sql_set = FlatConfig(sql->set_options.begin(), sql->set_options.end());
    for (const auto& w : sql->warnings)
      out.warnings.push_back("warning: " + w);
  }
  for (const auto& [k, v] : request.sql_set)
    sql_set[k] = v;

  spec::JobSpec effective_job = job;
  if (!application) effective_job.spec.target = spec::Target::kKubernetesSession;
  SLUICE_ASSIGN_OR_RETURN(spec::EffectiveConfig eff,
                          spec::EffectiveFlinkConfiguration(effective_job, sql_set));
  std::vector<std::string> errors;
  for (const auto& f : eff.findings) {
    if (f.severity == flinkconf::Severity::kError) {
      errors.push_back(flinkconf::FormatFinding(f));
    } else if (f.severity == flinkconf::Severity::kWarning) {
      out.warnings.push_back(flinkconf::FormatFinding(f));
    }
  }
  if (!errors.empty()) {
    return InvalidArgument("the Flink configuration has errors:\n  " + Join(errors, "\n  "))
        .Hint("fix spec.flinkConfiguration (docs/flink-config.md)");
  }

  // The client's conf directory, then everything the job says, then what Flink's client
  // writes itself (deployClusterInternal and the decorators).
  FlatConfig config = DefaultsFor(version).config;
  for (const auto& [k, v] : eff.values)
    config[k] = v;
  if (!application) {
    for (const char* k : {"pipeline.jars", "pipeline.classpaths", "$internal.application.main",
                          "$internal.application.program-args"}) {
      config.erase(k);
    }
  }
  out.ha = HaEnabled(config);

  // Secret values of spec.env go into a Secret the pods read through secretKeyRef.
  std::vector<std::pair<std::string, std::string>> secret_env;
  for (const auto& [k, v] : s.env) {
    if (!IsSecretKey(k)) continue;
    secret_env.emplace_back(k, v);
    config.erase("containerized.master.env." + k);
    config.erase("containerized.taskmanager.env." + k);
  }
  const std::string env_secret = "sluice-env-" + cid;
  if (!secret_env.empty()) {
    std::vector<std::string> refs = ListOption(Get(config, "kubernetes.env.secretKeyRef"));
    for (const auto& [k, _] : secret_env)
      refs.push_back(flinkconf::JoinMap({{"env", k}, {"secret", env_secret}, {"key", k}}));
    config["kubernetes.env.secretKeyRef"] = flinkconf::JoinList(refs);
    out.warnings.push_back("info: spec.env values with secret names (" +
                           std::to_string(secret_env.size()) + ") go into Secret " + env_secret +
                           ", not into the ConfigMap");
  }
  for (const auto& [k, v] : config) {
    if (IsSecretKey(k) && !k.starts_with("kubernetes.env.secretKeyRef")) {
      out.secret_keys.push_back(k);
      out.warnings.push_back(
          "warning: " + Quote(k) + " is written into ConfigMap flink-config-" + cid +
          " because Flink reads it only from its configuration file (Kubernetes Secrets cannot "
          "feed it); prefer credentials from the environment (spec.env with a secret name) "
          "or the pod's identity");
    }
  }

  if (application) {
    config["execution.target"] = "kubernetes-application";
    if (sql) {
      if (sql->jar.empty()) {
        config.erase("pipeline.jars");  // 2.x: Flink's SqlDriver is on the classpath
      } else {
        config["pipeline.jars"] = sql->jar;
      }
      config["$internal.application.main"] = sql->main_class;
      config["$internal.application.program-args"] = flinkconf::JoinList(sql->args);
    } else if (s.jar) {
      if (!s.jar->entry_class.empty()) config["$internal.application.main"] = s.jar->entry_class;
      config["$internal.application.program-args"] = flinkconf::JoinList(s.jar->args);
    }
    if (!config.count("pipeline.classpaths") &&
        flinkconf::FormatFor(version) == flinkconf::ConfigFormat::kConfigYaml) {
      config["pipeline.classpaths"] = "";
    }
    config["execution.attached"] = "true";
    config["execution.shutdown-on-attached-exit"] = "false";
    // As Flink's Kubernetes operator does: the JobManager stays after its job ends, so a
    // stop's savepoint path and a failed job's last exception can still be read; Sluice
    // removes the cluster once it has recorded them. The spec may still ask for `true`.
    if (!config.count("execution.shutdown-on-application-finish")) {
      config["execution.shutdown-on-application-finish"] = "false";
    }
    flinkconf::FlinkVersion v = version;
    bool new_keys = v.AtLeast(1, 20);
    std::string path_key = new_keys ? "execution.state-recovery.path" : "execution.savepoint.path";
    std::string claim_key =
        new_keys ? "execution.state-recovery.claim-mode" : "execution.savepoint-restore-mode";
    std::string ignore_key = new_keys ? "execution.state-recovery.ignore-unclaimed-state"
                                      : "execution.savepoint.ignore-unclaimed-state";
    config.erase("execution.state-recovery.path");
    config.erase("execution.savepoint.path");
    if (!request.restore_path.empty()) config[path_key] = request.restore_path;
    if (!config.count(claim_key)) {
      config[claim_key] = request.claim_mode.empty() ? "NO_CLAIM" : request.claim_mode;
    }
    if (!config.count(ignore_key)) {
      config[ignore_key] = request.allow_non_restored_state ? "true" : "false";
    }
    if (!request.job_id.empty()) {
      config["$internal.pipeline.job-id"] = request.job_id;
      out.job_id = request.job_id;
    }
  } else {
    config["execution.target"] = "kubernetes-session";
  }
  config["kubernetes.cluster-id"] = cid;
  config["kubernetes.namespace"] = ns;
  config["internal.cluster.execution-mode"] = "NORMAL";
  config["kubernetes.internal.jobmanager.entrypoint.class"] =
      application ? "org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint"
                  : "org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint";
  if (ParsesAsZero(Get(config, "blob.server.port")))
    config["blob.server.port"] = std::to_string(kBlobPort);
  if (ParsesAsZero(Get(config, "taskmanager.rpc.port")))
    config["taskmanager.rpc.port"] = std::to_string(kTmRpcPort);
  if (config.count("rest.bind-port") && ParsesAsZero(config["rest.bind-port"])) {
    config["rest.bind-port"] = std::to_string(kRestPort);
  }
  const std::string rpc_port = Get(config, "jobmanager.rpc.port", std::to_string(kRpcPort));
  if (out.ha) {
    if (Get(config, "high-availability.cluster-id").empty())
      config["high-availability.cluster-id"] = cid;
    config["high-availability.jobmanager.port"] = rpc_port;
  } else {
    config["jobmanager.rpc.address"] = cid + "." + ns;
  }
  // Flink's client drops these before it writes the file.
  for (const char* k :
       {"kubernetes.config.file", "$internal.deployment.config-dir", "rest.bind-address",
        "jobmanager.bind-host", "taskmanager.bind-host", "taskmanager.host"}) {
    config.erase(k);
  }

  // Labels the job asks for go to the pods (Flink's label options), and Sluice's spec hash
  // to the JobManager through Flink's own annotation option.
  auto add_map = [&](const std::string& key,
                     const std::vector<std::pair<std::string, std::string>>& extra) {
    auto entries = MapOption(Get(config, key));
    for (const auto& [k, v] : extra) {
      bool present = false;
      for (const auto& e : entries)
        present = present || e.first == k;
      if (!present) entries.emplace_back(k, v);
    }
    if (!entries.empty()) config[key] = flinkconf::JoinMap(entries);
  };
  std::vector<std::pair<std::string, std::string>> job_labels(job.metadata.labels.begin(),
                                                              job.metadata.labels.end());
  add_map("kubernetes.jobmanager.labels", job_labels);
  add_map("kubernetes.taskmanager.labels", job_labels);
  add_map("kubernetes.jobmanager.annotations", {{std::string(kSpecHashAnnotation), out.spec_hash}});

  // The TaskManager pod template, shipped as Flink's client ships it.
  Json tm_template =
      MergeJson(Json(s.pod_template.is_null() ? nlohmann::json::object() : s.pod_template),
                Json(s.task_manager.pod_template.is_null() ? nlohmann::json::object()
                                                           : s.task_manager.pod_template));
  bool has_tm_template = tm_template.is_object() && !tm_template.empty();
  if (has_tm_template) {
    config["kubernetes.pod-template-file.taskmanager"] =
        std::string(kPodTemplateDir) + "/" + kTmTemplateFile;
  }

  out.config = config;
  out.config_file = ConfigFileName(version);
  SLUICE_ASSIGN_OR_RETURN(
      std::string config_text,
      flinkconf::RenderConfigFile(flinkconf::FormatFor(version), config, catalog));

  // The JobManager pod (InitJobManagerDecorator, EnvSecretsDecorator, CmdJobManagerDecorator,
  // FlinkConfMountDecorator, PodTemplateMountDecorator), then the Deployment.
  Json jm_labels = Json::object();
  for (const auto& [k, v] : MapOption(Get(config, "kubernetes.jobmanager.labels")))
    jm_labels[k] = v;
  const Json selector = JobManagerSelector(cid);
  for (const auto& [k, v] : selector.items())
    jm_labels[k] = v;
  Json jm_annotations = Json::object();
  for (const auto& [k, v] : MapOption(Get(config, "kubernetes.jobmanager.annotations")))
    jm_annotations[k] = v;

  const std::string image =
      GetFirst(config, {"kubernetes.container.image.ref", "kubernetes.container.image"},
               "apache/flink:" + version.MajorMinor() + "-scala_2.12");
  const std::string sa = GetFirst(
      config, {"kubernetes.jobmanager.service-account", "kubernetes.service-account"}, "default");
  int64_t mem = MemoryMiB(Get(config, "jobmanager.memory.process.size", "1600m"), 1600ull << 20);
  double cpu = Number(
      GetFirst(config, {"kubernetes.jobmanager.cpu.amount", "kubernetes.jobmanager.cpu"}), 1.0);
  double mem_factor = Number(Get(config, "kubernetes.jobmanager.memory.limit-factor"), 1.0);
  double cpu_factor = Number(Get(config, "kubernetes.jobmanager.cpu.limit-factor"), 1.0);
  bool host_network = EqualsIgnoreCase(Get(config, "kubernetes.hostnetwork.enabled"), "true");

  Json env = Json::array();
  std::vector<std::pair<std::string, std::string>> master_env;
  for (const auto& [k, v] : config) {
    if (k.starts_with("containerized.master.env.")) master_env.emplace_back(k.substr(25), v);
  }
  for (const auto& [k, v] : master_env)
    env.push_back({{"name", k}, {"value", v}});
  env.push_back(
      {{"name", "_POD_IP_ADDRESS"},
       {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "status.podIP"}}}}}});
  for (const auto& item : ListOption(Get(config, "kubernetes.env.secretKeyRef"))) {
    std::string e, secret, key;
    for (const auto& [k, v] : MapOption(item)) {
      if (k == "env") e = v;
      if (k == "secret") secret = v;
      if (k == "key") key = v;
    }
    if (e.empty() || secret.empty()) continue;
    env.push_back(
        {{"name", e}, {"valueFrom", {{"secretKeyRef", {{"name", secret}, {"key", key}}}}}});
  }
  if (std::string dir = Get(config, "kubernetes.flink.log.dir"); !dir.empty()) {
    env.push_back({{"name", "FLINK_LOG_DIR"}, {"value", dir}});
  }

  Json container = {
      {"name", kMainContainer},
      {"image", image},
      {"imagePullPolicy", Get(config, "kubernetes.container.image.pull-policy", "IfNotPresent")},
      {"command", {Get(config, "kubernetes.entry.path", "/docker-entrypoint.sh")}},
      {"args",
       {"bash", "-c",
        "kubernetes-jobmanager.sh " +
            std::string(application ? "kubernetes-application" : "kubernetes-session") + " " +
            Get(config, "kubernetes.jobmanager.entrypoint.args")}},
      {"resources",
       {{"requests", {{"cpu", JavaDouble(cpu)}, {"memory", std::to_string(mem) + "Mi"}}},
        {"limits",
         {{"cpu", JavaDouble(cpu * cpu_factor)},
          {"memory",
           std::to_string(static_cast<int64_t>(static_cast<double>(mem) * mem_factor)) + "Mi"}}}}}};
  if (!host_network) {
    container["ports"] = {{{"name", "rest"}, {"containerPort", kRestPort}},
                          {{"name", "jobmanager-rpc"}, {"containerPort", std::stoi(rpc_port)}},
                          {{"name", "blobserver"}, {"containerPort", kBlobPort}}};
  }
  container["env"] = env;

  // Volumes: the configuration (explicit items), user artifacts (1.19+), the TaskManager
  // pod template, and Sluice's SQL file.
  DistributionDefaults defaults = DefaultsFor(version);
  std::map<std::string, std::string> log_files = defaults.files;
  for (const auto& [k, v] : s.log_configuration)
    log_files[k] = v;
  Json conf_items = Json::array();
  for (const auto& [name, _] : log_files)
    conf_items.push_back({{"key", name}, {"path", name}});
  conf_items.push_back({{"key", out.config_file}, {"path", out.config_file}});
  Json mounts = Json::array({{{"name", "flink-config-volume"},
                              {"mountPath", Get(config, "kubernetes.flink.conf.dir", kConfDir)}}});
  Json volumes =
      Json::array({{{"name", "flink-config-volume"},
                    {"configMap", {{"name", "flink-config-" + cid}, {"items", conf_items}}}}});
  if (version.AtLeast(1, 19)) {
    std::string dir = Get(config, "user.artifacts.base-dir", kArtifactsDir);
    mounts.push_back({{"name", "user-artifacts-volume"}, {"mountPath", dir}});
    volumes.push_back({{"name", "user-artifacts-volume"}, {"emptyDir", Json::object()}});
  }
  if (has_tm_template) {
    mounts.push_back({{"name", "pod-template-volume"}, {"mountPath", kPodTemplateDir}});
    Json item = {{"key", kTmTemplateFile}, {"path", kTmTemplateFile}};
    Json source = {{"name", "pod-template-" + cid}, {"items", Json::array({item})}};
    volumes.push_back({{"name", "pod-template-volume"}, {"configMap", source}});
  }
  const std::string sql_object = "sluice-sql-" + cid;
  bool sql_file_mounted = sql && !sql->file_name.empty();
  if (sql_file_mounted) {
    mounts.push_back({{"name", "sluice-sql-volume"},
                      {"mountPath", std::string(kSqlMountDir)},
                      {"readOnly", true}});
    Json items = {{{"key", sql->file_name}, {"path", sql->file_name}}};
    if (sql->has_secrets) {
      volumes.push_back({{"name", "sluice-sql-volume"},
                         {"secret", {{"secretName", sql_object}, {"items", items}}}});
    } else {
      volumes.push_back(
          {{"name", "sluice-sql-volume"}, {"configMap", {{"name", sql_object}, {"items", items}}}});
    }
  }
  container["volumeMounts"] = mounts;

  Json pod_spec = {{"serviceAccount", sa}, {"serviceAccountName", sa}};
  pod_spec["hostNetwork"] = host_network;
  pod_spec["dnsPolicy"] = host_network ? "ClusterFirstWithHostNet" : "ClusterFirst";
  Json pull_secrets = Json::array();
  for (const auto& name : ListOption(Get(config, "kubernetes.container.image.pull-secrets")))
    pull_secrets.push_back({{"name", name}});
  if (!pull_secrets.empty()) pod_spec["imagePullSecrets"] = pull_secrets;
  Json node_selector = Json::object();
  for (const auto& [k, v] : MapOption(Get(config, "kubernetes.jobmanager.node-selector")))
    node_selector[k] = v;
  if (!node_selector.empty()) pod_spec["nodeSelector"] = node_selector;
  Json tolerations = Tolerations(Get(config, "kubernetes.jobmanager.tolerations"));
  if (!tolerations.empty()) pod_spec["tolerations"] = tolerations;
  pod_spec["containers"] = Json::array({container});
  pod_spec["volumes"] = volumes;

  Json pod_meta = {{"labels", jm_labels}};
  if (!jm_annotations.empty()) pod_meta["annotations"] = jm_annotations;
  Json pod = {{"metadata", pod_meta}, {"spec", pod_spec}};
  Json jm_template =
      MergeJson(Json(s.pod_template.is_null() ? nlohmann::json::object() : s.pod_template),
                Json(s.job_manager.pod_template.is_null() ? nlohmann::json::object()
                                                          : s.job_manager.pod_template));
  pod = ApplyPodTemplate(pod, jm_template);

  Json deploy_meta = Metadata(cid, ns, nullptr);
  if (!jm_annotations.empty()) deploy_meta["annotations"] = jm_annotations;
  deploy_meta["labels"] = jm_labels;
  int replicas =
      static_cast<int>(ParseInt(Get(config, "kubernetes.jobmanager.replicas", "1")).value_or(1));
  out.deployment = {{"apiVersion", "apps/v1"},
                    {"kind", "Deployment"},
                    {"metadata", deploy_meta},
                    {"spec",
                     {{"replicas", replicas},
                      {"selector", {{"matchLabels", JobManagerSelector(cid)}}},
                      {"template", pod}}}};

  // Accompanying resources, in the order Flink's decorators produce them.
  const Json labels = CommonLabels(cid);
  auto owned = [&](const std::string& name) {
    Json m = Metadata(name, ns, labels);
    m["ownerReferences"] = Json::array({OwnerReference(cid)});
    return m;
  };
  if (!out.ha) {
    Json internal = {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", owned(cid)}};
    Json spec = {{"clusterIP", "None"},
                 {"ports",
                  {{{"name", "jobmanager-rpc"}, {"port", std::stoi(rpc_port)}},
                   {{"name", "blobserver"}, {"port", kBlobPort}}}},
                 {"selector", JobManagerSelector(cid)}};
    internal["spec"] = spec;
    for (const auto& [k, v] : MapOption(Get(config, "kubernetes.internal-service.annotations")))
      internal["metadata"]["annotations"][k] = v;
    out.dependents.push_back(internal);
  }
  {
    std::string exposure = Get(config, "kubernetes.rest-service.exposed.type", "ClusterIP");
    Json rest = {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", owned(out.rest_service)}};
    for (const auto& [k, v] : MapOption(Get(config, "kubernetes.rest-service.annotations")))
      rest["metadata"]["annotations"][k] = v;
    int rest_port =
        static_cast<int>(ParseInt(Get(config, "rest.port", "8081")).value_or(kRestPort));
    int bind_port = static_cast<int>(
        ParseInt(Get(config, "rest.bind-port", std::to_string(rest_port))).value_or(rest_port));
    Json spec = Json::object();
    if (exposure == "Headless_ClusterIP") {
      spec["type"] = "ClusterIP";
      spec["clusterIP"] = "None";
    } else {
      spec["type"] = exposure;
    }
    spec["ports"] = {{{"name", "rest"}, {"port", rest_port}, {"targetPort", bind_port}}};
    spec["selector"] = JobManagerSelector(cid);
    rest["spec"] = spec;
    out.dependents.push_back(rest);
  }
  {
    Json data = Json::object();
    for (const auto& [name, text] : log_files)
      data[name] = text;
    data[out.config_file] = config_text;
    out.dependents.push_back({{"apiVersion", "v1"},
                              {"kind", "ConfigMap"},
                              {"metadata", owned("flink-config-" + cid)},
                              {"data", data}});
  }
  if (has_tm_template) {
    out.dependents.push_back({{"apiVersion", "v1"},
                              {"kind", "ConfigMap"},
                              {"metadata", owned("pod-template-" + cid)},
                              {"data", {{kTmTemplateFile, spec::JsonToYaml(tm_template)}}}});
  }
  if (sql_file_mounted) {
    if (sql->content.size() > 1000000) {
      return InvalidArgument("the SQL script is " + std::to_string(sql->content.size()) +
                             " bytes; a ConfigMap holds at most 1 MiB")
          .At("spec.sql")
          .Hint("put the script on a file system Flink reads and use spec.sqlFile (Flink 2.x)");
    }
    Json o = {{"apiVersion", "v1"},
              {"kind", sql->has_secrets ? "Secret" : "ConfigMap"},
              {"metadata", owned(sql_object)}};
    if (sql->has_secrets) {
      o["type"] = "Opaque";
      o["stringData"] = {{sql->file_name, sql->content}};
      out.warnings.push_back("info: the SQL script has secret options; it goes into Secret " +
                             sql_object + " instead of a ConfigMap");
    } else {
      o["data"] = {{sql->file_name, sql->content}};
    }
    out.dependents.push_back(o);
  }
  if (!secret_env.empty()) {
    Json data = Json::object();
    for (const auto& [k, v] : secret_env)
      data[k] = v;
    out.dependents.push_back({{"apiVersion", "v1"},
                              {"kind", "Secret"},
                              {"metadata", owned(env_secret)},
                              {"type", "Opaque"},
                              {"stringData", data}});
  }
  return out;
}

}  // namespace sluice::deploy
