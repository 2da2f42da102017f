// Target local: `flink run -t local` runs the job in a MiniCluster inside the client
// process, so the client is kept running (one per cluster id, in this process) while the
// job runs, and the job is reached over the MiniCluster's REST endpoint, whose port is
// derived from the cluster id (rest.bind-port).
#include <map>
#include <mutex>
#include <thread>

#include "common/strings.h"
#include "deploy/cli_client.h"
#include "deploy/cli_deployers_internal.h"
#include "deploy/jobmanager_rest.h"

namespace sluice::deploy {
namespace {

using spec::Target;
using Clock = std::chrono::steady_clock;

// The running local clients, by job work directory.
struct Clients {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<Process>> running;
};
Clients& LocalClients() {
  static Clients* clients = new Clients;  // outlives every deployer
  return *clients;
}

class LocalDeployer : public Deployer {
 public:
  explicit LocalDeployer(std::shared_ptr<const CliTarget> settings)
      : settings_(std::move(settings)) {}

  Target target() const override { return Target::kLocal; }

  Result<Rendered> Render(const DeploymentRequest& request) override {
    auto dist = DistributionFor(*settings_, request);
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(*settings_, request, Target::kLocal,
                                                       dist.ok() ? &*dist : nullptr));
    return RenderedFor(cmd);
  }

  Result<Submission> Submit(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(FlinkDistribution dist, DistributionFor(*settings_, request));
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(*settings_, request, Target::kLocal, &dist));
    Submission sub;
    sub.cluster_id = request.cluster_id;
    sub.job_id = cmd.job_id;
    sub.web_interface_url = cmd.rest_url;
    sub.warnings = cmd.warnings;
    auto rest = RestClientFor(cmd.rest_url, ReleaseOf(request),
                              {.timeout = std::chrono::seconds(5), .retry = {.max_attempts = 1}});
    if (rest->Job(cmd.job_id).ok()) {
      sub.existed = true;
      return sub;
    }
    SLUICE_RETURN_IF_ERROR(PrepareClientFiles(cmd, dist));
    ProcessOptions po = ClientProcessOptions(cmd, *settings_, request.cluster_id);
    po.timeout = std::chrono::milliseconds(0);  // it lives as long as the job
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Process> started, Process::Start(po));
    std::shared_ptr<Process> process = std::move(started);
    const std::string key = cmd.job_files.dir.string();
    {
      std::lock_guard lock(LocalClients().mu);
      LocalClients().running[key] = process;
    }
    // Submitted once the MiniCluster knows the job; failed if the client ends first.
    const auto deadline = Clock::now() + settings_->cli_timeout;
    const std::string what = "flink run -t local";
    for (;;) {
      if (auto done = process->WaitFor(std::chrono::milliseconds(100))) {
        Forget(key);
        CliOutput out = ParseCliOutput(done->out, done->err);
        if (!done->ok()) return CliFailure(what, *done, out);
        return FailedPrecondition(what + " ended before its job could be observed:\n" +
                                  std::string(Trim(done->out.substr(0, 2000))));
      }
      if (rest->Job(cmd.job_id).ok()) return sub;
      if (Clock::now() >= deadline) {
        process->Cancel();
        ProcessResult r = process->Wait();
        Forget(key);
        r.timed_out = true;
        return CliFailure(what, r, ParseCliOutput(r.out, r.err));
      }
    }
  }

  Result<Observation> Observe(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, Target::kLocal, nullptr));
    Observation o;
    o.job_id = cmd.job_id;
    o.web_interface_url = cmd.rest_url;
    o.phase = "ABSENT";
    Status s = ObserveJob(*Rest(request, cmd), cmd.job_id, o, true);
    if (!s.ok() && s.error().code != ErrorCode::kNotFound &&
        s.error().code != ErrorCode::kUnavailable && s.error().code != ErrorCode::kTimeout) {
      return s.error();
    }
    o.matches_request = o.exists;
    return o;
  }

  Result<Operation> TriggerSavepoint(const DeploymentRequest& request,
                                     const SavepointOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, Target::kLocal, nullptr));
    return RestSavepoint(*Rest(request, cmd), cmd.job_id, options);
  }
  Result<Operation> Suspend(const DeploymentRequest& request,
                            const SavepointOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, Target::kLocal, nullptr));
    return RestStop(*Rest(request, cmd), cmd.job_id, options);
  }
  Result<OperationResult> Poll(const DeploymentRequest& request, const Operation& op) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, Target::kLocal, nullptr));
    return RestPoll(*Rest(request, cmd), op);
  }
  Result<Operation> DisposeSavepoint(const DeploymentRequest& request,
                                     const std::string& path) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, Target::kLocal, nullptr));
    return RestDispose(*Rest(request, cmd), path);
  }
  Status Cancel(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, Target::kLocal, nullptr));
    Status s = RestCancel(*Rest(request, cmd), cmd.job_id);
    if (!s.ok() && s.error().code != ErrorCode::kUnavailable) return s;
    return {};
  }
  // Cancels the job, then ends the client (and with it the MiniCluster).
  Status Delete(const DeploymentRequest& request, HaMetadata) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, Target::kLocal, nullptr));
    Status s = RestCancel(*Rest(request, cmd), cmd.job_id);
    std::shared_ptr<Process> process;
    {
      std::lock_guard lock(LocalClients().mu);
      auto it = LocalClients().running.find(cmd.job_files.dir.string());
      if (it != LocalClients().running.end()) {
        process = it->second;
        LocalClients().running.erase(it);
      }
    }
    if (process) {
      process->Cancel();
      process->Wait();
    }
    if (!s.ok() && s.error().code != ErrorCode::kUnavailable) return s;
    return {};
  }

 private:
  std::unique_ptr<flink::RestClient> Rest(const DeploymentRequest& request, const CliCommand& cmd) {
    return RestClientFor(cmd.rest_url, ReleaseOf(request),
                         {.timeout = std::chrono::seconds(10), .retry = {.max_attempts = 1}});
  }
  static void Forget(const std::string& key) {
    std::lock_guard lock(LocalClients().mu);
    LocalClients().running.erase(key);
  }

  std::shared_ptr<const CliTarget> settings_;
};

}  // namespace

std::unique_ptr<Deployer> NewLocalDeployer(std::shared_ptr<const CliTarget> target) {
  return std::make_unique<LocalDeployer>(std::move(target));
}

}  // namespace sluice::deploy
