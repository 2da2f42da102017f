#include "reconcile/cluster_preflight.h"

#include <unistd.h>

#include <filesystem>

#include "common/strings.h"
#include "deploy/preflight.h"
#include "http/client.h"
#include "k8s/client.h"
#include "spec/parse.h"

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;

PreflightCheck CheckOk(std::string name, std::string message) {
  return {std::move(name), "ok", std::move(message), ""};
}
PreflightCheck CheckFailed(std::string name, std::string message, std::string hint) {
  return {std::move(name), "error", std::move(message), std::move(hint)};
}

std::string ConfigString(const store::Cluster& c, const char* key, const std::string& fallback) {
  json config = json::parse(c.config_json, nullptr, false);
  if (!config.is_object() || !config.contains(key) || !config[key].is_string()) return fallback;
  std::string v = config[key];
  return v.empty() ? fallback : v;
}

// What deploy::Preflight reports, one check each, named by what it is about.
std::string PreflightTopic(const std::string& text) {
  if (text.find("rights") != std::string::npos || text.find("RBAC") != std::string::npos)
    return "jobmanager-rights";
  if (text.find("service account") != std::string::npos) return "service-account";
  if (text.find("namespace") != std::string::npos) return "namespace";
  if (text.find("CustomResourceDefinition") != std::string::npos) return "operator-crds";
  return "kubernetes";
}

// A job that would run in the cluster's namespace as its service account: what
// deploy::Preflight takes.
Result<deploy::DeploymentRequest> ProbeRequest(const std::string& ns, const std::string& sa) {
  json doc = {{"apiVersion", "sluice.dev/v1"},
              {"kind", "FlinkJob"},
              {"metadata", {{"name", "sluice-preflight"}}},
              {"spec",
               {{"flinkVersion", "1.20"},
                {"image", "flink:1.20"},
                {"namespace", ns},
                {"serviceAccount", sa},
                {"sql", "SELECT 1;\n"}}}};
  SLUICE_ASSIGN_OR_RETURN(spec::JobSpec job, spec::LoadJobSpec(doc.dump(), "preflight"));
  return deploy::MakeRequest(job);
}

void CheckKubernetes(const deploy::ClusterTarget& target, const store::Cluster& c,
                     const ClusterPreflightOptions& o, std::vector<PreflightCheck>& out) {
  k8s::Client& client = *target.kubernetes->client;
  const std::string server = client.config().server;
  const std::string ns = ConfigString(
      c, "namespace",
      client.config().default_namespace.empty() ? "default" : client.config().default_namespace);
  const std::string sa = ConfigString(c, "serviceAccount", "flink");
  auto skipped = [&](const std::string& why) {
    for (const char* name : {"namespace", "service-account", "jobmanager-rights"})
      out.push_back({name, "skipped", why, ""});
  };

  auto version = client.Send({.path = "/version", .timeout = o.timeout, .verb = "get"});
  if (!version.ok()) {
    out.push_back(
        CheckFailed("api-server",
                    "the API server at " + server + " does not answer: " + version.error().message,
                    "check that the cluster runs and that this server can reach " + server +
                        " (network, firewall, proxy); fix config.apiServer or the "
                        "kubeconfig's server if it moved"));
    skipped("the API server does not answer");
    return;
  }
  if (version->status == 401 || version->status == 403) {
    out.push_back(CheckFailed("api-server",
                              "the API server at " + server +
                                  " refused Sluice's credentials (HTTP " +
                                  std::to_string(version->status) + ")",
                              "upload a kubeconfig with valid credentials (secrets.kubeconfig) or "
                              "a fresh token (secrets.token)"));
    skipped("the API server refused the credentials");
    return;
  }
  if (version->status / 100 != 2) {
    out.push_back(CheckFailed("api-server",
                              "the API server at " + server + " answered HTTP " +
                                  std::to_string(version->status) + " to GET /version",
                              "check that " + server + " is a Kubernetes API server"));
    skipped("the API server did not answer as expected");
    return;
  }
  json info = json::parse(version->body, nullptr, false);
  std::string git = info.is_object() ? info.value("gitVersion", "") : "";
  out.push_back(CheckOk("api-server", "the API server at " + server + " answers" +
                                          (git.empty() ? "" : " (Kubernetes " + git + ")")));

  auto request = ProbeRequest(ns, sa);
  if (!request.ok()) {
    out.push_back(CheckFailed("namespace", request.error().message,
                              "fix config.namespace and config.serviceAccount"));
    return;
  }
  auto report = deploy::Preflight(client, *request, spec::Target::kKubernetesApplication);
  if (!report.ok()) {
    out.push_back(
        CheckFailed("kubernetes", report.error().message,
                    report.error().hint.empty() ? "see the message" : report.error().hint));
    return;
  }
  for (const auto& p : report->passed)
    out.push_back(CheckOk(PreflightTopic(p), p));
  // The objects that fix it all go with the first missing thing; the others point there.
  const std::string setup =
      "run `sluice preflight -f job.yaml --setup` with a kubeconfig that may create them";
  std::string first;
  for (const auto& m : report->missing) {
    std::string topic = PreflightTopic(m);
    std::string hint = setup;
    if (!report->fix_yaml.empty() && first.empty()) {
      first = topic;
      hint += ", or have a cluster administrator apply (kubectl apply -f -):\n" + report->fix_yaml;
    } else if (!report->fix_yaml.empty()) {
      hint += ", or apply the objects shown under " + first;
    }
    out.push_back(CheckFailed(topic, "missing: " + m, hint));
  }
  for (const auto& n : report->notes) {
    out.push_back({PreflightTopic(n), "warning", n,
                   "give the cluster's credentials the right to read namespaces, service "
                   "accounts and RBAC bindings, or check them by hand"});
  }
}

// GET `url` once within the timeout; the check's verdict on the answer.
void CheckRest(const std::string& name, const std::string& what, const std::string& url,
               const std::string& config_key, const http::Headers& headers,
               const http::TlsConfig& tls, const ClusterPreflightOptions& o,
               const std::function<std::string(const json&)>& describe,
               std::vector<PreflightCheck>& out) {
  http::ClientRequest req{.url = url,
                          .headers = headers,
                          .timeout = o.timeout,
                          .connect_timeout = std::min(o.timeout, std::chrono::milliseconds(2'000)),
                          .tls = tls};
  req.headers["Accept"] = "application/json";
  auto res = http::Send(req);
  if (!res.ok()) {
    out.push_back(CheckFailed(name,
                              what + " at " + url + " does not answer: " + res.error().message,
                              "check that it runs and that this server can reach it (network, "
                              "firewall, proxy); fix " +
                                  config_key + " if it moved"));
    return;
  }
  if (res->status == 401 || res->status == 403) {
    out.push_back(CheckFailed(
        name,
        what + " at " + url + " refused the credentials (HTTP " + std::to_string(res->status) + ")",
        "set the cluster's credentials (secrets) to ones it accepts"));
    return;
  }
  if (res->status / 100 != 2) {
    out.push_back(CheckFailed(name,
                              what + " at " + url + " answered HTTP " + std::to_string(res->status),
                              "check " + config_key + ": it must point at " + what));
    return;
  }
  json body = json::parse(res->body, nullptr, false);
  out.push_back(CheckOk(name, what + " at " + url + " answers" + describe(body)));
}

void CheckFlinkHome(const store::Cluster& c, std::vector<PreflightCheck>& out) {
  std::string home = ConfigString(c, "flinkHome", "");
  std::string version = ConfigString(c, "version", "");
  std::error_code ec;
  auto bin = std::filesystem::path(home) / "bin" / "flink";
  if (!home.empty() && std::filesystem::is_regular_file(bin, ec) &&
      access(bin.c_str(), X_OK) == 0) {
    out.push_back(CheckOk("flink-home", "Flink " + version + " is installed at " + home));
  } else {
    out.push_back(
        CheckFailed("flink-home", "there is no executable " + bin.string() + " on this server",
                    "install Flink " + version + " at " + home +
                        " on every Sluice server, or set config.flinkHome to where it is"));
  }
}

std::string Suffix(const std::vector<std::string>& parts) {
  std::vector<std::string> set;
  for (const auto& p : parts) {
    if (!p.empty()) set.push_back(p);
  }
  return set.empty() ? "" : " (" + Join(set, ", ") + ")";
}

}  // namespace

std::vector<PreflightCheck> PreflightCluster(const store::Cluster& c, const json& secrets,
                                             const ClusterPreflightOptions& options) {
  std::vector<PreflightCheck> out;
  if (c.kind == "flink-version") {
    CheckFlinkHome(c, out);
    return out;
  }
  ClusterTargetOptions topts = options.targets;
  topts.kubernetes_client.timeout = options.timeout;
  topts.kubernetes_client.connect_timeout =
      std::min(options.timeout, std::chrono::milliseconds(2'000));
  topts.kubernetes_client.max_attempts = 1;
  auto target = BuildClusterTarget(c, secrets, topts);
  if (!target.ok()) {
    out.push_back(CheckFailed("configuration", target.error().message,
                              target.error().hint.empty()
                                  ? "fix the cluster's configuration and secrets"
                                  : target.error().hint));
    return out;
  }
  if (target->kubernetes) {
    CheckKubernetes(*target, c, options, out);
  } else if (target->cli && target->cli->yarn && !target->cli->yarn->resource_managers.empty()) {
    const auto& yarn = *target->cli->yarn;
    std::string rm = yarn.resource_managers[0];
    while (rm.ends_with('/'))
      rm.pop_back();
    CheckRest(
        "resource-manager", "the YARN ResourceManager", rm + "/ws/v1/cluster/info",
        "config.resourceManagerUrl", {}, yarn.tls, options,
        [](const json& body) {
          json info = body.is_object() ? body.value("clusterInfo", json::object()) : json::object();
          if (!info.is_object()) return std::string();
          return Suffix({info.value("state", ""), info.contains("hadoopVersion")
                                                      ? "Hadoop " + info.value("hadoopVersion", "")
                                                      : ""});
        },
        out);
  } else if (target->cli && target->cli->remote) {
    const auto& remote = *target->cli->remote;
    std::string jm = remote.rest_url;
    while (jm.ends_with('/'))
      jm.pop_back();
    CheckRest(
        "jobmanager", "the JobManager's REST API", jm + "/v1/overview", "config.jobManagerUrl",
        remote.headers, remote.tls, options,
        [](const json& body) {
          if (!body.is_object()) return std::string();
          return Suffix(
              {body.contains("flink-version") ? "Flink " + body.value("flink-version", "") : "",
               body.contains("slots-available")
                   ? std::to_string(body.value("slots-available", 0)) + " free slots"
                   : ""});
        },
        out);
  } else {
    out.push_back({"reachable", "skipped", "Sluice has no check for this kind of cluster", ""});
  }
  return out;
}

json PreflightChecksJson(const std::vector<PreflightCheck>& checks) {
  json out = json::array();
  for (const auto& c : checks) {
    json j = {{"name", c.name}, {"status", c.status}};
    if (!c.message.empty()) j["message"] = c.message;
    if (!c.hint.empty()) j["hint"] = c.hint;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace sluice::reconcile
