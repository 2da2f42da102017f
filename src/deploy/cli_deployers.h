// The deployers of issue 4's targets, behind the same Deployer interface as Kubernetes:
//   remote            a running session cluster (standalone): REST only, jar upload + run
//   yarn-application,
//   yarn-per-job,
//   yarn-session      Flink's client by argv; the ResourceManager for state and kill; the
//                     JobManager's REST API through the application's tracking URL
//   local             `flink run -t local`, the client kept running (the job lives in it)
// NewDeployer hands these targets to NewCliDeployer.
#pragma once

#include <memory>

#include "common/result.h"
#include "deploy/cli_target.h"
#include "deploy/deployer.h"

namespace sluice::deploy {

bool IsCliTarget(spec::Target target);

// kInvalidArgument for a target that is not a CLI target, or when `cluster.cli` lacks
// what the target needs (a REST URL for remote, ResourceManager and Flink distributions
// for YARN, distributions for local).
Result<std::unique_ptr<Deployer>> NewCliDeployer(spec::Target target, const ClusterTarget& cluster);

// What `sluice render` shows for a CLI target without any cluster: the argv and
// environment (secrets masked) of the client command, with warnings. `settings` may be
// null; the job's distribution is used when `settings` registers it (else argv[0] is
// "flink").
Result<Rendered> RenderCliTarget(const DeploymentRequest& request, spec::Target target,
                                 const CliTarget* settings);

}  // namespace sluice::deploy
