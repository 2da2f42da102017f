#include "reconcile/cluster_targets.h"

#include "common/crypto.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/strings.h"
#include "deploy/flink_dist.h"
#include "k8s/client.h"
#include "k8s/kubeconfig.h"

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Error Unusable(const store::Cluster& c, const std::string& what) {
  return FailedPrecondition("cluster " + Quote(c.name) + ": " + what).At("cluster " + c.name);
}

// An uploaded kubeconfig must carry its credentials inline: file references would read
// files of the Sluice host, and exec plugins would run commands on it for whoever may
// register clusters.
Status CheckInline(const store::Cluster& c, const k8s::RestConfig& rc) {
  const auto& a = rc.auth;
  if (a.exec) {
    return Unusable(c, "its kubeconfig uses an exec credential plugin (" + a.exec->command +
                           "), which Sluice does not run for uploaded kubeconfigs")
        .Hint("use a token (secrets.token) or client certificate data in the kubeconfig");
  }
  if (!a.token_file.empty() || !a.client_cert_file.empty() || !a.client_key_file.empty() ||
      !rc.tls.ca_file.empty()) {
    return Unusable(c,
                    "its kubeconfig refers to files (tokenFile, client-certificate, "
                    "client-key or certificate-authority)")
        .Hint(
            "upload a kubeconfig with the *-data fields inline (kubectl config view "
            "--minify --flatten)");
  }
  return Status::Ok();
}

Result<deploy::ClusterTarget> Kubernetes(const store::Cluster& c, const json& config,
                                         const json& secrets, const ClusterTargetOptions& o) {
  k8s::RestConfig rc;
  if (config.value("inCluster", false)) {
    SLUICE_ASSIGN_OR_RETURN(rc, k8s::InClusterConfig(o.in_cluster_root));
  } else {
    std::string text = Str(secrets, "kubeconfig");
    if (text.empty()) {
      return Unusable(c, "has no kubeconfig")
          .Hint("upload one (secrets.kubeconfig) or set config.inCluster");
    }
    SLUICE_ASSIGN_OR_RETURN(
        auto kc, k8s::Kubeconfig::Parse(text, "cluster " + c.name + " (secrets.kubeconfig)", "/"));
    auto resolved = kc.Resolve(Str(config, "context"));
    if (!resolved.ok()) return std::move(resolved).error().Context("cluster " + Quote(c.name));
    rc = std::move(resolved).value();
    SLUICE_RETURN_IF_ERROR(CheckInline(c, rc));
  }
  if (std::string server = Str(config, "apiServer"); !server.empty()) rc.server = server;
  if (std::string token = Str(secrets, "token"); !token.empty()) rc.auth = {.token = token};
  if (std::string ns = Str(config, "namespace"); !ns.empty()) rc.default_namespace = ns;
  SLUICE_ASSIGN_OR_RETURN(auto client, k8s::Client::Create(rc, o.kubernetes_client));
  deploy::ClusterTarget target;
  target.name = c.name;
  deploy::KubernetesTarget k;
  k.client = std::move(client);
  k.sql_runner_jar = o.sql_runner_jar;
  target.kubernetes = std::move(k);
  return target;
}

Result<deploy::ClusterTarget> Yarn(const store::Cluster& c, const json& config, const json& secrets,
                                   const ClusterTargetOptions& o,
                                   std::shared_ptr<const deploy::FlinkVersions> versions) {
  auto cli = std::make_shared<deploy::CliTarget>();
  cli->versions = std::move(versions);
  cli->work_dir = o.work_dir;
  cli->runner_jar = o.runner_jar;
  deploy::YarnSettings yarn;
  yarn.resource_managers = {Str(config, "resourceManagerUrl")};
  yarn.queue = Str(config, "queue");
  yarn.hadoop_conf_dir = Str(config, "hadoopConfDir");
  yarn.kerberos.principal = Str(config, "principal");
  if (std::string keytab = Str(secrets, "keytab"); !keytab.empty()) {
    auto bytes = crypto::Base64Decode(Trim(keytab));
    if (!bytes.ok()) {
      return Unusable(c, "secrets.keytab is not base64").Hint("upload it as `base64 -w0 FILE`");
    }
    auto path = o.work_dir / "keytabs" / (c.name + "-" + std::to_string(c.revision) + ".keytab");
    SLUICE_RETURN_IF_ERROR(EnsureWritableDirectory(path.parent_path()));
    SLUICE_RETURN_IF_ERROR(WriteFileAtomic(path, *bytes, 0600));
    yarn.kerberos.keytab = path.string();
  }
  cli->yarn = std::move(yarn);
  deploy::ClusterTarget target;
  target.name = c.name;
  target.cli = std::move(cli);
  return target;
}

Result<deploy::ClusterTarget> Standalone(const store::Cluster& c, const json& config,
                                         const json& secrets, const ClusterTargetOptions& o,
                                         std::shared_ptr<const deploy::FlinkVersions> versions) {
  auto cli = std::make_shared<deploy::CliTarget>();
  cli->versions = std::move(versions);
  cli->work_dir = o.work_dir;
  cli->runner_jar = o.runner_jar;
  deploy::RemoteSettings remote;
  remote.rest_url = Str(config, "jobManagerUrl");
  std::string token = Str(secrets, "token"), user = Str(config, "username"),
              password = Str(secrets, "password");
  if (!token.empty()) {
    remote.headers["Authorization"] = "Bearer " + token;
  } else if (!user.empty() || !password.empty()) {
    remote.headers["Authorization"] = "Basic " + crypto::Base64Encode(user + ":" + password);
  }
  cli->remote = std::move(remote);
  deploy::ClusterTarget target;
  target.name = c.name;
  target.cli = std::move(cli);
  return target;
}

}  // namespace

Result<deploy::ClusterTarget> BuildClusterTarget(
    const store::Cluster& c, const json& secrets, const ClusterTargetOptions& options,
    std::shared_ptr<const deploy::FlinkVersions> versions) {
  json config = json::parse(c.config_json, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) return Unusable(c, "its stored config is not a JSON object");
  const json& s = secrets.is_object() ? secrets : json::object();
  if (c.kind == "kubernetes") return Kubernetes(c, config, s, options);
  if (c.kind == "yarn") return Yarn(c, config, s, options, std::move(versions));
  if (c.kind == "standalone") return Standalone(c, config, s, options, std::move(versions));
  return Unusable(c, "is of kind " + Quote(c.kind) + ", which is not a deployment target")
      .Hint("set spec.cluster to a kubernetes, yarn or standalone cluster");
}

ClusterTargets::ClusterTargets(store::Store& store, OpenSecretsFn open_secrets,
                               ClusterTargetOptions options)
    : store_(store), open_secrets_(std::move(open_secrets)), options_(std::move(options)) {}

Result<deploy::ClusterTarget> ClusterTargets::Get(const std::string& name) {
  SLUICE_ASSIGN_OR_RETURN(store::Cluster c, store_.FindCluster(name));
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(name);
    if (it != cache_.end() && it->second.revision == c.revision) return it->second.target;
  }
  std::shared_ptr<const deploy::FlinkVersions> versions;
  if (c.kind == "yarn" || c.kind == "standalone") {
    SLUICE_ASSIGN_OR_RETURN(versions, Versions());
  }
  json secrets = json::object();
  if (open_secrets_) {
    auto opened = open_secrets_(c);
    if (!opened.ok()) return std::move(opened).error().Context("cluster " + Quote(name));
    secrets = std::move(opened).value();
  }
  SLUICE_ASSIGN_OR_RETURN(auto target, BuildClusterTarget(c, secrets, options_, versions));
  std::lock_guard lock(mu_);
  // Passes racing on a cluster's first use all get the target built first: one client per
  // revision, so one watch cache per cluster.
  auto it = cache_.find(name);
  if (it != cache_.end() && it->second.revision == c.revision) return it->second.target;
  cache_[name] = {c.revision, target};
  return target;
}

Result<std::shared_ptr<const deploy::FlinkVersions>> ClusterTargets::Versions() {
  if (options_.versions) return options_.versions;
  SLUICE_ASSIGN_OR_RETURN(auto clusters, store_.ListClusters());
  std::string signature;
  for (const auto& c : clusters)
    if (c.kind == "flink-version") signature += c.name + ":" + std::to_string(c.revision) + ",";
  {
    std::lock_guard lock(mu_);
    if (versions_ && signature == versions_signature_) return versions_;
  }
  auto versions = std::make_shared<deploy::FlinkVersions>();
  for (const auto& c : clusters) {
    if (c.kind != "flink-version") continue;
    json config = json::parse(c.config_json, nullptr, false);
    if (!config.is_object()) continue;
    auto dist = deploy::InspectDistribution({.name = c.name,
                                             .home = Str(config, "flinkHome"),
                                             .expected_version = Str(config, "version")});
    if (!dist.ok()) {
      // The job that needs it fails with "not registered"; the reason is in the log.
      log::Warn("reconcile.flink_version.unusable").With("cluster", c.name).With(dist.error());
      continue;
    }
    versions->Add(std::move(dist).value());
  }
  std::lock_guard lock(mu_);
  versions_signature_ = signature;
  versions_ = versions;
  return versions_;
}

}  // namespace sluice::reconcile
