// Where a job goes, from a registered cluster (store::Cluster, kinds and config as
// api/cluster_service.cc defines them) to the deploy::ClusterTarget a Deployer takes:
//
//   kubernetes   a client from the uploaded kubeconfig (secrets.kubeconfig, config.context,
//                config.apiServer overriding the server, secrets.token overriding the user),
//                or the pod's service account (config.inCluster)
//   yarn         CLI target: the ResourceManager URL, queue, Hadoop configuration,
//                Kerberos principal and keytab (secrets.keytab, base64, written 0600 under
//                the work directory), the Flink distributions registered as flink-version
//   standalone   CLI target: the JobManager REST URL, with secrets.token as a bearer token
//                or config.username + secrets.password as basic authentication
//
// Targets are built once per cluster name and revision (a changed cluster is rebuilt on
// the next Get). Opening the sealed secrets stays with the caller (api/ owns the key).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "deploy/cli_target.h"
#include "deploy/deployer.h"
#include "k8s/client.h"
#include "store/store.h"

namespace sluice::reconcile {

// The cluster's secrets as a JSON object of strings ({} when it has none).
using OpenSecretsFn = std::function<Result<nlohmann::json>(const store::Cluster&)>;

struct ClusterTargetOptions {
  std::filesystem::path work_dir;    // per-job files of the CLI targets, and keytabs
  std::filesystem::path runner_jar;  // CLI targets; "" = beside the sluice binary
  std::string sql_runner_jar;        // Kubernetes session clusters on Flink 1.x
  std::string in_cluster_root = "/var/run/secrets/kubernetes.io/serviceaccount";
  k8s::ClientOptions kubernetes_client;  // timeouts and retries of the Kubernetes clients
  // Flink distributions for the CLI targets; null: built from the flink-version clusters.
  std::shared_ptr<const deploy::FlinkVersions> versions;
};

// Builds a target without caching. `versions` may be null for kubernetes and standalone.
Result<deploy::ClusterTarget> BuildClusterTarget(
    const store::Cluster& cluster, const nlohmann::json& secrets,
    const ClusterTargetOptions& options,
    std::shared_ptr<const deploy::FlinkVersions> versions = nullptr);

class ClusterTargets {
 public:
  ClusterTargets(store::Store& store, OpenSecretsFn open_secrets, ClusterTargetOptions options);

  // The target of the registered cluster `name`. kNotFound when there is no such cluster;
  // kFailedPrecondition when it cannot be used as a target (a flink-version, bad secrets).
  Result<deploy::ClusterTarget> Get(const std::string& name);

 private:
  Result<std::shared_ptr<const deploy::FlinkVersions>> Versions();

  store::Store& store_;
  OpenSecretsFn open_secrets_;
  ClusterTargetOptions options_;
  std::mutex mu_;
  struct Cached {
    int64_t revision = 0;
    deploy::ClusterTarget target;
  };
  std::map<std::string, Cached> cache_;
  std::string versions_signature_;  // name:revision of every flink-version cluster
  std::shared_ptr<const deploy::FlinkVersions> versions_;
};

}  // namespace sluice::reconcile
