// The Flink Kubernetes Operator target: a FlinkDeployment (application cluster) or, with
// spec.sessionCluster, a FlinkSessionJob, valid against the operator's CRDs
// (reference/flink-operator). Savepoints through savepointTriggerNonce, suspend through
// job.state, upgrade modes as the spec says.
#pragma once

#include <memory>

#include "deploy/deployer.h"

namespace sluice::deploy {

inline constexpr std::string_view kOperatorApiVersion = "flink.apache.org/v1beta1";

// The resource (and SQL ConfigMap) for a request, without a cluster.
Result<Rendered> RenderOperator(const DeploymentRequest& request);

std::unique_ptr<Deployer> NewOperatorDeployer(ClusterTarget cluster);

// The operator's flinkVersion enum value: v1_20.
std::string OperatorFlinkVersion(const flinkconf::FlinkVersion& version);

}  // namespace sluice::deploy
