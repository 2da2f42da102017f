// `sluice deploy -f job.yaml [--kubeconfig F] [--context C]`: creates what the job's
// Kubernetes target needs, over the API, waits for the JobManager and prints Flink's own
// line, `... JobManager Web Interface: URL`, where URL answers Flink's REST API (the
// service itself when reachable from here, else through the API server's service proxy).
// Warnings (the configuration's, the SQL's) go to stderr. Exit 0 deployed and answering,
// 1 the deployment failed (the reason from the cluster), 2 usage, I/O or API errors.
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/deploy_support.h"
#include "common/time.h"
#include "deploy/cli_deployers.h"
#include "deploy/deployer.h"
#include "deploy/jobmanager.h"

namespace sluice::cli {
namespace {

bool Retryable(const Error& e) {
  return e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kTimeout;
}

void RegisterDeployCommand(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("deploy", "Deploy a job to its Kubernetes target, directly over the API");
  struct Options {
    JobArgs job;
    KubeArgs kube;
    std::string wait = "5m";
    bool no_wait = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("-f,--file", o->job.file, "the job spec (YAML or JSON)")->required();
  cmd->add_option("--target", o->job.target, "override spec.target");
  cmd->add_option("--kubeconfig", o->kube.kubeconfig,
                  "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)");
  cmd->add_option("--context", o->kube.context, "kubeconfig context (default: the current one)");
  cmd->add_option("--rest-url", o->kube.rest_url,
                  "reach JobManagers at this URL ({service}, {namespace} substituted) instead of "
                  "the API server's service proxy");
  cmd->add_option("--runner-jar", o->kube.runner_jar,
                  "the Sluice SQL runner jar, for SQL jobs on Flink 1.x session clusters");
  cmd->add_option("--wait", o->wait, "how long to wait for the JobManager (default 5m)");
  cmd->add_flag("--no-wait", o->no_wait, "return once the objects are accepted");
  cmd->callback([o, &ctx] {
    auto fail = [&](const Error& e, int code) {
      PrintError("deploy", e);
      ctx.exit_code = code;
    };
    int64_t started = MonotonicMillis();
    auto wait = ParseDuration(o->wait);
    if (!wait.ok()) return fail(wait.error(), 2);
    auto job = LoadJob(o->job, "deploy");
    if (!job.ok()) return fail(job.error(), 1);
    spec::Target target = job->spec.target.value_or(spec::Target::kKubernetesApplication);
    if (deploy::IsCliTarget(target)) {
      return fail(
          InvalidArgument("`sluice deploy` runs the Kubernetes targets only; target " +
                          std::string(spec::TargetName(target)) + " goes through Flink's client")
              .At(o->job.file)
              .Hint("`sluice render -f " + o->job.file + "` shows its command line"),
          2);
    }
    auto request = deploy::MakeRequest(*job);
    if (!request.ok()) return fail(request.error(), 1);
    auto cluster = KubernetesCluster(o->kube);
    if (!cluster.ok()) return fail(cluster.error(), 2);
    auto deployer = deploy::NewDeployer(target, *cluster);
    if (!deployer.ok()) return fail(deployer.error(), 2);

    int64_t deadline = started + wait->count();
    Result<deploy::Submission> sub = (*deployer)->Submit(*request);
    // A session cluster may still be starting: its job goes in once the JobManager answers.
    while (!sub.ok() && Retryable(sub.error()) && !o->no_wait && MonotonicMillis() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      sub = (*deployer)->Submit(*request);
    }
    if (!sub.ok()) return fail(sub.error(), sub.error().code == ErrorCode::kAlreadyExists ? 1 : 2);
    for (const auto& w : sub->warnings)
      std::cerr << w << "\n";
    for (const auto& obj : sub->objects) {
      std::cerr << (sub->existed ? "found " : "applied ") << obj.ToString() << "\n";
    }
    const std::string kind = target == spec::Target::kKubernetesSession ? "session" : "application";
    std::string cluster_id = target == spec::Target::kKubernetesSession ? job->spec.session_cluster
                                                                        : request->cluster_id;
    if (!o->no_wait) {
      std::string last;
      for (;;) {
        auto obs = (*deployer)->Observe(*request);
        if (obs.ok()) {
          if (obs->phase == "RUNNING") break;
          if (obs->phase == "FAILED") {
            ctx.exit_code = 1;
            std::cerr << "sluice deploy: error: the JobManager of cluster " << cluster_id
                      << " cannot start: " << obs->reason << "\n";
            return;
          }
          if (obs->reason != last && !obs->reason.empty()) {
            std::cerr << "waiting: " << obs->reason << "\n";
            last = obs->reason;
          }
        } else if (!Retryable(obs.error())) {
          return fail(obs.error(), 2);
        }
        if (MonotonicMillis() >= deadline) {
          ctx.exit_code = 1;
          std::cerr << "sluice deploy: error: the JobManager of cluster " << cluster_id
                    << " did not answer within " << o->wait << (last.empty() ? "" : ": " + last)
                    << "\n";
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
    std::string url = sub->web_interface_url;
    if (target != spec::Target::kOperator) {
      url = deploy::WebInterfaceUrl(*cluster->kubernetes, request->namespace_, cluster_id + "-rest",
                                    /*probe=*/!o->no_wait);
    }
    std::cout << "Create flink " << kind << " cluster " << cluster_id
              << " successfully, JobManager Web Interface: " << url << std::endl;
    if (!sub->job_id.empty() && target == spec::Target::kKubernetesSession) {
      std::cout << "Job has been submitted with JobID " << sub->job_id << std::endl;
    }
    ctx.exit_code = 0;
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterDeployCommand);
}  // namespace sluice::cli
