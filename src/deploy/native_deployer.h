// kubernetes-application and kubernetes-session: Flink's native Kubernetes layout created
// over the API (native.h renders it), jobs of session clusters through the JobManager's
// REST API.
#pragma once

#include <memory>

#include "deploy/deployer.h"
#include "deploy/native.h"

namespace sluice::deploy {

std::unique_ptr<Deployer> NewNativeDeployer(spec::Target target, ClusterTarget cluster);

// The layout a native target creates: the job's own cluster (application) or the session
// cluster named by spec.sessionCluster (session).
Result<NativeLayout> NativeLayoutFor(spec::Target target, const DeploymentRequest& request);
Result<Rendered> RenderNativeTarget(spec::Target target, const DeploymentRequest& request);

// What the native deployers share with the operator deployer: the state of the pods
// behind a JobManager Deployment (image pull errors, crash loops, failed creates).
struct PodProblems {
  std::string phase;   // DEPLOYING, FAILED, "" when the JobManager pod is ready
  std::string reason;  // ImagePullBackOff: <message> ...
  nlohmann::json pods = nlohmann::json::array();
};
PodProblems InspectJobManagerPods(k8s::Client& client, const std::string& ns,
                                  const std::string& cluster_id, const nlohmann::json& deployment);

}  // namespace sluice::deploy
