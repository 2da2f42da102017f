// `sluice render -f job.yaml [--target T] [-o yaml|json]`: every object (or, for CLI
// targets, the argv) a target would create, without a cluster. YAML: one multi-document
// stream on stdout, warnings on stderr. JSON: {"objects", "argv", "warnings"}. Secret
// values are masked unless --show-secrets. Exit 0 rendered, 1 the job cannot be rendered,
// 2 usage or I/O.
#include <iostream>

#include "cli/commands.h"
#include "cli/deploy_support.h"
#include "deploy/deployer.h"

namespace sluice::cli {
namespace {

void RegisterRenderCommand(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("render", "Print what a job's target would create, without a cluster");
  struct Options {
    JobArgs job;
    std::string output = "yaml";
    bool show_secrets = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("-f,--file", o->job.file, "the job spec (YAML or JSON)")->required();
  cmd->add_option("--target", o->job.target, "override spec.target");
  cmd->add_option("-o,--output", o->output, "yaml or json")->check(CLI::IsMember({"yaml", "json"}));
  cmd->add_flag("--show-secrets", o->show_secrets, "print secret values instead of ******");
  cmd->callback([o, &ctx] {
    auto job = LoadJob(o->job, "render");
    if (!job.ok()) {
      PrintError("render", job.error());
      ctx.exit_code = job.error().code == ErrorCode::kInvalidArgument ? 1 : 2;
      return;
    }
    auto request = deploy::MakeRequest(*job);
    if (!request.ok()) {
      PrintError("render", request.error());
      ctx.exit_code = 1;
      return;
    }
    auto rendered = deploy::RenderWithoutCluster(
        job->spec.target.value_or(spec::Target::kKubernetesApplication), *request);
    if (!rendered.ok()) {
      PrintError("render", rendered.error());
      ctx.exit_code = 1;
      return;
    }
    if (o->output == "json") {
      std::cout << rendered->ToJson(!o->show_secrets).dump(2) << "\n";
    } else {
      for (const auto& w : rendered->warnings)
        std::cerr << w << "\n";
      std::cout << rendered->ToYaml(!o->show_secrets);
    }
    ctx.exit_code = 0;
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterRenderCommand);
}  // namespace sluice::cli
