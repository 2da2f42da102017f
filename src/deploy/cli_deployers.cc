#include "deploy/cli_deployers.h"

#include <unistd.h>

#include <filesystem>
#include <optional>

#include "common/strings.h"
#include "deploy/cli_deployers_internal.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;
using spec::Target;

// The runner JAR beside the sluice binary (<prefix>/bin/sluice -> <prefix>/lib/sluice/).
fs::path DefaultRunnerJar() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return self.parent_path().parent_path() / "lib" / "sluice" / "sluice-runner.jar";
}

}  // namespace

bool IsCliTarget(Target t) {
  return t == Target::kYarnApplication || t == Target::kYarnPerJob || t == Target::kYarnSession ||
         t == Target::kRemote || t == Target::kLocal;
}

Result<FlinkDistribution> DistributionFor(const CliTarget& target,
                                          const DeploymentRequest& request) {
  if (!target.versions) {
    return Error{ErrorCode::kFailedPrecondition, "no Flink distributions are registered",
                 "spec.flinkVersion",
                 "register the FLINK_HOME of Flink " + request.job.spec.flink_version};
  }
  return target.versions->Find(request.job.spec.flink_version);
}

Result<CliCommand> CommandFor(const CliTarget& settings, const DeploymentRequest& request,
                              Target target, const FlinkDistribution* distribution) {
  CommandContext cc;
  cc.distribution = distribution;
  cc.target = &settings;
  cc.runner_jar = settings.runner_jar.empty() ? DefaultRunnerJar() : settings.runner_jar;
  cc.base_env = InheritEnv(kInheritedEnv);
  return BuildCliCommand(request, target, cc);
}

Result<Rendered> RenderCliTarget(const DeploymentRequest& request, Target target,
                                 const CliTarget* settings) {
  static const CliTarget kNone;
  const CliTarget& s = settings ? *settings : kNone;
  if (!IsCliTarget(target)) {
    return InvalidArgument("target " + std::string(spec::TargetName(target)) +
                           " does not run the Flink client");
  }
  std::optional<FlinkDistribution> dist;
  if (s.versions) {
    auto d = s.versions->Find(request.job.spec.flink_version);
    if (d.ok()) dist = *d;
  }
  SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(s, request, target, dist ? &*dist : nullptr));
  return RenderedFor(cmd);
}

Result<std::unique_ptr<Deployer>> NewCliDeployer(Target target, const ClusterTarget& cluster) {
  const std::string tname(spec::TargetName(target));
  if (!IsCliTarget(target))
    return InvalidArgument("target " + tname + " does not run the Flink client");
  if (!cluster.cli) {
    return InvalidArgument("cluster " + Quote(cluster.name) + " has no settings for target " +
                           tname);
  }
  std::shared_ptr<const CliTarget> cli = cluster.cli;
  switch (target) {
    case Target::kRemote:
      if (!cli->remote || cli->remote->rest_url.empty()) {
        return InvalidArgument("target remote needs the JobManager's REST URL (cluster " +
                               Quote(cluster.name) + ")");
      }
      return NewRemoteDeployer(cli);
    case Target::kLocal:
      if (!cli->versions)
        return InvalidArgument("target local needs a registered Flink distribution");
      return NewLocalDeployer(cli);
    default:
      if (!cli->yarn || cli->yarn->resource_managers.empty()) {
        return InvalidArgument("target " + tname +
                               " needs the YARN ResourceManager's address (cluster " +
                               Quote(cluster.name) + ")");
      }
      if (!cli->versions)
        return InvalidArgument("target " + tname + " needs a registered Flink distribution");
      return NewYarnDeployer(target, cli);
  }
}

}  // namespace sluice::deploy
