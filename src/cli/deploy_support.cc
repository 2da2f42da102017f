#include "cli/deploy_support.h"

#include "common/fs.h"
#include "common/strings.h"
#include "k8s/client.h"
#include "spec/parse.h"

namespace sluice::cli {

void PrintError(const std::string& command, const Error& e) {
  std::cerr << "sluice " << command << ": error: ";
  if (!e.where.empty()) std::cerr << e.where << ": ";
  std::cerr << e.message;
  if (!e.hint.empty()) std::cerr << " (" << e.hint << ")";
  std::cerr << "\n";
}

Result<spec::JobSpec> LoadJob(const JobArgs& args, const std::string& command) {
  if (args.file.empty()) return InvalidArgument("give the job spec with -f FILE");
  auto text = ReadFile(args.file);
  if (!text.ok()) return std::move(text).error();
  spec::ParsedSpec parsed = spec::ParseJobSpec(*text, args.file);
  if (!args.target.empty()) {
    auto t = spec::ParseTarget(args.target);
    if (!t) {
      return InvalidArgument("unknown target " + Quote(args.target))
          .Hint("one of " + Join(spec::TargetNames(), ", "));
    }
    parsed.job.spec.target = *t;
    spec::ApplyDefaults(parsed.job);
    parsed.problems = spec::ValidateJobSpec(parsed.job, parsed.marks);
  }
  for (const auto& p : parsed.problems)
    std::cerr << spec::FormatProblem(p, args.file) << "\n";
  if (!parsed.ok()) {
    return InvalidArgument("the job spec " + args.file + " has errors (above)");
  }
  (void)command;
  return parsed.job;
}

Result<deploy::ClusterTarget> KubernetesCluster(const KubeArgs& args) {
  SLUICE_ASSIGN_OR_RETURN(k8s::RestConfig config,
                          k8s::LoadRestConfig({.path = args.kubeconfig, .context = args.context}));
  SLUICE_ASSIGN_OR_RETURN(auto client, k8s::Client::Create(config));
  deploy::ClusterTarget cluster;
  cluster.name = config.context;
  deploy::KubernetesTarget k;
  k.client = client;
  k.rest_url_template = args.rest_url;
  k.sql_runner_jar = args.runner_jar;
  cluster.kubernetes = k;
  return cluster;
}

}  // namespace sluice::cli
