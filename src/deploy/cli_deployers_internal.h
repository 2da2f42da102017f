// The deployers behind NewCliDeployer (cli_deployers.h) and what they share.
#pragma once

#include <memory>

#include "common/process.h"
#include "common/result.h"
#include "deploy/cli_command.h"
#include "deploy/cli_target.h"
#include "deploy/deployer.h"

namespace sluice::deploy {

std::unique_ptr<Deployer> NewRemoteDeployer(std::shared_ptr<const CliTarget> target);
std::unique_ptr<Deployer> NewYarnDeployer(spec::Target target,
                                          std::shared_ptr<const CliTarget> settings);
std::unique_ptr<Deployer> NewLocalDeployer(std::shared_ptr<const CliTarget> target);

// The distribution a job asks for (spec.flinkVersion) among the target's.
Result<FlinkDistribution> DistributionFor(const CliTarget& target,
                                          const DeploymentRequest& request);

// The command for `target`: with the job's distribution when registered (else argv[0] is
// "flink" and a warning says so), the target's runner JAR and Sluice's inherited
// environment.
Result<CliCommand> CommandFor(const CliTarget& settings, const DeploymentRequest& request,
                              spec::Target target, const FlinkDistribution* distribution);

}  // namespace sluice::deploy
