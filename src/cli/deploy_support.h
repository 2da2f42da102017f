// What `sluice render`, `sluice deploy` and `sluice preflight` share: reading a job spec
// (problems on stderr), the target override, and the Kubernetes cluster from a kubeconfig.
#pragma once

#include <iostream>
#include <optional>
#include <string>

#include "common/result.h"
#include "deploy/deployer.h"
#include "spec/job_spec.h"

namespace sluice::cli {

struct JobArgs {
  std::string file;    // -f
  std::string target;  // --target, overrides spec.target
};

// Reads, defaults and validates the spec; prints its problems to stderr. Fails (after
// printing) when it has errors. `command` names the command in messages.
Result<spec::JobSpec> LoadJob(const JobArgs& args, const std::string& command);

struct KubeArgs {
  std::string kubeconfig;
  std::string context;
  std::string rest_url;  // a URL template for JobManagers (deploy::KubernetesTarget)
  std::string runner_jar;
};

Result<deploy::ClusterTarget> KubernetesCluster(const KubeArgs& args);

// "sluice <command>: error: message (hint)" on stderr.
void PrintError(const std::string& command, const Error& e);

}  // namespace sluice::cli
