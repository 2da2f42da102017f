// Target remote: a running session cluster (standalone, or any JobManager), over its REST
// API only: the JAR (the job's, or the SQL runner with the statements file) uploaded and
// run with a job id fixed in advance, so a repeated Submit finds the job instead of
// starting a twin.
#include <fstream>
#include <sstream>

#include "common/strings.h"
#include "deploy/cli_deployers_internal.h"
#include "deploy/jobmanager_rest.h"

namespace sluice::deploy {
namespace {

using spec::Target;

Result<std::string> ReadJar(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{ErrorCode::kFailedPrecondition, "cannot read the JAR " + Quote(path),
                 "spec.jar.jarURI", "the remote target uploads a JAR file from this machine"};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RemoteDeployer : public Deployer {
 public:
  explicit RemoteDeployer(std::shared_ptr<const CliTarget> settings)
      : settings_(std::move(settings)) {}

  Target target() const override { return Target::kRemote; }

  Result<Rendered> Render(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, Command(request));
    return RenderedFor(cmd);
  }

  Result<Submission> Submit(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, Command(request));
    auto rest = Rest(request);
    Submission sub;
    sub.cluster_id = request.cluster_id;
    sub.job_id = cmd.job_id;
    sub.web_interface_url = settings_->remote->rest_url;
    sub.warnings = cmd.warnings;
    auto existing = rest->Job(cmd.job_id);
    if (existing.ok()) {
      sub.existed = true;
      return sub;
    }
    if (existing.error().code != ErrorCode::kNotFound) return std::move(existing).error();

    SLUICE_ASSIGN_OR_RETURN(std::string contents, ReadJar(cmd.jar));
    std::string file_name = std::filesystem::path(cmd.jar).filename().string();
    SLUICE_ASSIGN_OR_RETURN(auto uploaded, rest->UploadJar(file_name, std::move(contents)));
    std::vector<std::string> uploads = {uploaded.id};
    auto cleanup = [&] {
      for (const auto& id : uploads)
        (void)rest->DeleteJar(id);
    };
    // The statements file or script is read by main() on the JobManager, which cannot see
    // this host's files: it goes up like a jar (the only upload Flink takes) and the
    // arguments name it where the JobManager keeps it.
    std::vector<std::string> args = cmd.program_args;
    for (const auto& [path, content] : cmd.files) {
      auto file =
          rest->UploadJar(request.cluster_id + "-" + path.filename().string() + ".jar", content);
      if (!file.ok()) {
        cleanup();
        return std::move(file).error();
      }
      uploads.push_back(file->id);
      for (auto& a : args)
        a = ReplaceAll(a, path.string(), file->path);
    }
    flink::JarRunRequest run;
    run.jar_id = uploaded.id;
    run.entry_class = cmd.entry_class;
    run.args = args;
    run.parallelism = request.job.spec.parallelism;
    run.job_id = cmd.job_id;
    run.savepoint_path = request.restore_path;
    run.allow_non_restored_state = request.allow_non_restored_state;
    run.claim_mode = request.claim_mode;
    run.flink_configuration = cmd.dynamic_options;
    for (const auto& [k, v] : cmd.client_config)
      run.flink_configuration[k] = v;
    for (const char* key : {"rest.address", "rest.port", "$internal.pipeline.job-id"})
      run.flink_configuration.erase(key);
    auto ran = rest->RunJar(run);
    cleanup();
    if (!ran.ok()) return std::move(ran).error();
    return sub;
  }

  Result<Observation> Observe(const DeploymentRequest& request) override {
    Observation o;
    o.web_interface_url = settings_->remote->rest_url;
    o.job_id = JobIdFor(request);
    auto rest = Rest(request);
    Status s = ObserveJob(*rest, o.job_id, o);
    if (!s.ok() && !o.jobmanager_answered && !o.reason.empty()) {
      // Not answering says nothing about the job: it may run on; nobody submits a twin.
      o.exists = true;
      o.phase = "DEPLOYING";
    } else if (!s.ok()) {
      if (s.error().code != ErrorCode::kNotFound) return s.error();
      o.exists = false;
      o.phase = "ABSENT";
    }
    o.matches_request = o.exists;  // the job id is derived from the spec version
    return o;
  }

  Result<Operation> TriggerSavepoint(const DeploymentRequest& request,
                                     const SavepointOptions& options) override {
    return RestSavepoint(*Rest(request), JobIdFor(request), options);
  }
  Result<Operation> Suspend(const DeploymentRequest& request,
                            const SavepointOptions& options) override {
    return RestStop(*Rest(request), JobIdFor(request), options);
  }
  Result<OperationResult> Poll(const DeploymentRequest& request, const Operation& op) override {
    return RestPoll(*Rest(request), op);
  }
  Result<Operation> DisposeSavepoint(const DeploymentRequest& request,
                                     const std::string& path) override {
    return RestDispose(*Rest(request), path);
  }
  Status Cancel(const DeploymentRequest& request) override {
    return RestCancel(*Rest(request), JobIdFor(request));
  }
  // The session cluster is not the job's: deleting a deployment cancels its job.
  Status Delete(const DeploymentRequest& request, HaMetadata) override { return Cancel(request); }

 private:
  Result<CliCommand> Command(const DeploymentRequest& request) {
    const FlinkDistribution* dist = nullptr;
    FlinkDistribution found;
    if (settings_->versions) {
      auto d = settings_->versions->Find(request.job.spec.flink_version);
      if (d.ok()) {
        found = *d;
        dist = &found;
      }
    }
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(*settings_, request, Target::kRemote, dist));
    // No client runs: the distribution warning does not apply.
    std::erase_if(cmd.warnings, [](const std::string& w) { return w.starts_with("no Flink "); });
    return cmd;
  }

  std::unique_ptr<flink::RestClient> Rest(const DeploymentRequest& request) {
    const RemoteSettings& r = *settings_->remote;
    return RestClientFor(r.rest_url, ReleaseOf(request),
                         {.tls = r.tls, .headers = r.headers, .timeout = r.timeout});
  }

  std::shared_ptr<const CliTarget> settings_;
};

}  // namespace

std::unique_ptr<Deployer> NewRemoteDeployer(std::shared_ptr<const CliTarget> target) {
  return std::make_unique<RemoteDeployer>(std::move(target));
}

}  // namespace sluice::deploy
