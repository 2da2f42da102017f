// `sluice preflight -f job.yaml [--setup]`: checks (and with --setup creates) the
// namespace, the JobManager's service account and its namespaced Role + RoleBinding (and,
// for the operator target, its CRDs). Exit 0 when nothing is missing, 1 otherwise (the
// message lists all of it with the fix), 2 usage, I/O or API errors.
#include <iostream>

#include "cli/commands.h"
#include "cli/deploy_support.h"
#include "deploy/preflight.h"
#include "k8s/client.h"

namespace sluice::cli {
namespace {

void RegisterPreflightCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "preflight", "Check (or with --setup create) what a job needs in its Kubernetes namespace");
  struct Options {
    JobArgs job;
    KubeArgs kube;
    bool setup = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("-f,--file", o->job.file, "the job spec (YAML or JSON)")->required();
  cmd->add_option("--target", o->job.target, "override spec.target");
  cmd->add_option("--kubeconfig", o->kube.kubeconfig,
                  "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)");
  cmd->add_option("--context", o->kube.context, "kubeconfig context (default: the current one)");
  cmd->add_flag("--setup", o->setup, "create the namespace, service account, Role and RoleBinding");
  cmd->callback([o, &ctx] {
    auto fail = [&](const Error& e, int code) {
      PrintError("preflight", e);
      ctx.exit_code = code;
    };
    auto job = LoadJob(o->job, "preflight");
    if (!job.ok()) return fail(job.error(), 1);
    auto request = deploy::MakeRequest(*job);
    if (!request.ok()) return fail(request.error(), 1);
    auto cluster = KubernetesCluster(o->kube);
    if (!cluster.ok()) return fail(cluster.error(), 2);
    auto report = deploy::Preflight(*cluster->kubernetes->client, *request,
                                    job->spec.target.value_or(spec::Target::kKubernetesApplication),
                                    {.setup = o->setup});
    if (!report.ok()) return fail(report.error(), 2);
    for (const auto& p : report->passed)
      std::cout << "ok: " << p << "\n";
    for (const auto& c : report->created)
      std::cout << "created: " << c << "\n";
    if (report->ok()) {
      for (const auto& n : report->notes)
        std::cout << "note: " << n << "\n";
      std::cout << report->Message() << "\n";
      ctx.exit_code = 0;
    } else {
      std::cerr << report->Message("sluice preflight -f " + o->job.file + " --setup");
      ctx.exit_code = 1;
    }
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterPreflightCommand);
}  // namespace sluice::cli
