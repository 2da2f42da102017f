// Flink's native Kubernetes layout, rendered without a cluster: the objects Flink's own
// client creates for a version (reference/flink-native-k8s.md §1-2) with the same names,
// labels, ports, command, volumes and internal configuration keys, plus Sluice's SQL
// file and secret environment. Pure functions; the deployers create what they return.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "deploy/deployer.h"
#include "deploy/sql.h"
#include "flinkconf/config_file.h"
#include "flinkconf/version.h"

namespace sluice::deploy {

enum class ClusterMode { kApplication, kSession };

struct NativeLayout {
  std::string cluster_id;
  std::string namespace_;
  nlohmann::ordered_json deployment;  // created first
  // ConfigMaps, Services, Secret: owner references to the Deployment without its uid
  // (SetOwnerUid fills it in once the Deployment exists).
  std::vector<nlohmann::ordered_json> dependents;
  flinkconf::FlatConfig config;  // what the ConfigMap's config file holds
  std::string config_file;       // flink-conf.yaml or config.yaml
  std::string spec_hash;
  std::string job_id;  // $internal.pipeline.job-id, "" when Flink chooses
  bool ha = false;
  std::string rest_service;  // <cluster-id>-rest
  std::vector<std::string> warnings;
  std::vector<std::string> secret_keys;  // config keys whose values went into a Secret
};

// The layout of the request's job cluster (application) or of a session cluster named
// `request.cluster_id` (session). Fails on SQL that does not parse and on configuration
// errors, with the finding's field path.
Result<NativeLayout> RenderNative(const DeploymentRequest& request, ClusterMode mode);

// Owner references of the dependents, pointing at the created Deployment.
void SetOwnerUid(NativeLayout& layout, const std::string& deployment_uid);

// Labels Flink puts on every object of a cluster, and the JobManager selector.
nlohmann::ordered_json CommonLabels(const std::string& cluster_id);
nlohmann::ordered_json JobManagerSelector(const std::string& cluster_id);

// Java's Double.toString for the CPU amounts Flink writes into pod resources (1.0, 0.5).
std::string JavaDouble(double value);

}  // namespace sluice::deploy
