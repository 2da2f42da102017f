// Preflight of a registered cluster: can Sluice reach and use it, and if not, what to fix.
// `sluice serve` installs it behind POST /api/v1/clusters/{name}/preflight
// (api::ClusterPreflight); it lives here because it builds the cluster's target
// (cluster_targets.h) and runs deploy::Preflight.
//
//   kubernetes     the target builds (kubeconfig, context, credentials); the API server
//                  answers /version with these credentials; then deploy::Preflight for a job
//                  in config.namespace (default "default") running as config.serviceAccount
//                  (default "flink", as spec.serviceAccount): namespace, service accounts,
//                  the JobManager's rights. Nothing is created.
//   yarn           the ResourceManager's REST API answers (/ws/v1/cluster/info)
//   standalone     the JobManager's REST API answers (/v1/overview), with the credentials
//   flink-version  FLINK_HOME/bin/flink exists on this server
//
// Every network call is bounded by `timeout` and tried once: a cluster that does not answer
// is an error check within a few seconds, never a hang.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reconcile/cluster_targets.h"
#include "store/store.h"

namespace sluice::reconcile {

struct PreflightCheck {
  std::string name;    // api-server, namespace, service-account, jobmanager-rights, ...
  std::string status;  // ok, warning, error, skipped
  std::string message;
  std::string hint;  // what to fix; "" when nothing is to fix
};

struct ClusterPreflightOptions {
  ClusterTargetOptions targets;
  std::chrono::milliseconds timeout{4'000};  // per request
};

std::vector<PreflightCheck> PreflightCluster(const store::Cluster& cluster,
                                             const nlohmann::json& secrets,
                                             const ClusterPreflightOptions& options);

// [{name, status, message?, hint?}]
nlohmann::json PreflightChecksJson(const std::vector<PreflightCheck>& checks);

}  // namespace sluice::reconcile
