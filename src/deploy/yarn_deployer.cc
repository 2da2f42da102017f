// Targets yarn-application, yarn-per-job and yarn-session: Flink's own client submits
// (argv, explicit environment, timeout); the ResourceManager finds the application again
// by its name (the cluster id) and Sluice's tags, reports its state and kills it; the
// JobManager's REST API, reached through the application's tracking URL (the RM's web
// proxy), takes savepoints, stops and cancels.
#include "common/strings.h"
#include "deploy/cli_client.h"
#include "deploy/cli_deployers_internal.h"
#include "deploy/jobmanager_rest.h"
#include "yarn/rm_client.h"

namespace sluice::deploy {
namespace {

using spec::Target;

const std::vector<std::string> kActiveStates = {"NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED",
                                                "RUNNING"};

class YarnDeployer : public Deployer {
 public:
  YarnDeployer(Target target, std::shared_ptr<const CliTarget> settings)
      : target_(target), settings_(std::move(settings)) {}

  Target target() const override { return target_; }

  Result<Rendered> Render(const DeploymentRequest& request) override {
    auto dist = DistributionFor(*settings_, request);
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd,
                            CommandFor(*settings_, request, target_, dist.ok() ? &*dist : nullptr));
    return RenderedFor(cmd);
  }

  Result<Submission> Submit(const DeploymentRequest& request) override {
    SLUICE_ASSIGN_OR_RETURN(FlinkDistribution dist, DistributionFor(*settings_, request));
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(*settings_, request, target_, &dist));
    Submission sub;
    sub.cluster_id = request.cluster_id;
    sub.job_id = cmd.job_id;
    sub.warnings = cmd.warnings;

    if (target_ == Target::kYarnSession) {
      const std::string& app_id = request.job.spec.session_cluster;
      SLUICE_ASSIGN_OR_RETURN(auto rest, RestOfApp(request, app_id));
      sub.web_interface_url = tracking_url_;
      sub.objects.push_back({"yarn/v1", "YarnApplication", "", app_id, ""});
      if (rest->Job(cmd.job_id).ok()) {
        sub.existed = true;
        return sub;
      }
    } else {
      SLUICE_ASSIGN_OR_RETURN(auto active, FindApps(cmd, true));
      if (!active.empty()) {
        const yarn::Application& app = active.front();
        if (!app.tags.empty() && !app.HasTag("sluice-spec-" + cmd.spec_hash)) {
          return Error{
              ErrorCode::kAlreadyExists,
              "YARN application " + app.id + " (" + app.name + ") runs another version of this job",
              request.cluster_id, "delete or upgrade it first"};
        }
        // The application runs this request's job (or is still starting it), or another
        // job of the same cluster id that is ending or has to be deleted first.
        if (app.state == "RUNNING") {
          SLUICE_ASSIGN_OR_RETURN(auto rest, RestOfApp(request, app.id));
          auto job = rest->Job(cmd.job_id);
          if (!job.ok()) {
            auto jobs = rest->JobsOverview();
            bool others = jobs.ok() && !jobs->empty();
            if (others) {
              return Error{ErrorCode::kAlreadyExists,
                           "YARN application " + app.id + " (" + app.name + ") runs job " +
                               jobs->front().id + " (" + jobs->front().state + "), not " +
                               cmd.job_id,
                           request.cluster_id, "wait until it has finished, or delete it first"};
            }
          }
        }
        sub.existed = true;
        sub.web_interface_url = app.tracking_url;
        sub.objects.push_back({"yarn/v1", "YarnApplication", app.queue, app.id, ""});
        return sub;
      }
    }

    SLUICE_ASSIGN_OR_RETURN(ClientRun run, RunClient(cmd, dist, *settings_, request.cluster_id,
                                                     "flink " + cmd.argv.at(1) + " -t " +
                                                         std::string(spec::TargetName(target_))));
    if (target_ != Target::kYarnSession) {
      if (run.output.application_id.empty()) {
        return Error{ErrorCode::kInternal,
                     "the Flink client succeeded but printed no YARN application id",
                     (cmd.job_files.log_dir / "client.log").string(), "see the client's log"};
      }
      sub.objects.push_back({"yarn/v1", "YarnApplication", "", run.output.application_id, ""});
      auto app = Rm().GetApplication(run.output.application_id);
      sub.web_interface_url = app.ok() ? app->tracking_url : run.output.web_interface;
    }
    if (!run.output.job_id.empty()) sub.job_id = run.output.job_id;
    return sub;
  }

  Result<Observation> Observe(const DeploymentRequest& request) override {
    Observation o;
    o.job_id = JobIdFor(request);
    o.phase = "ABSENT";
    std::string app_id;
    if (target_ == Target::kYarnSession) {
      app_id = request.job.spec.session_cluster;
    } else {
      SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(*settings_, request, target_, nullptr));
      SLUICE_ASSIGN_OR_RETURN(auto apps, FindApps(cmd, false));
      if (apps.empty()) return o;
      const yarn::Application& app = apps.front();
      o.objects.push_back({"yarn/v1", "YarnApplication", app.queue, app.id, ""});
      o.details = {{"applicationId", app.id},
                   {"state", app.state},
                   {"finalStatus", app.final_status},
                   {"diagnostics", app.diagnostics}};
      if (app.Terminal()) {
        if (app.state == "FAILED" || app.final_status == "FAILED") {
          o.exists = true;
          o.phase = "FAILED";
          o.reason = "YARN application " + app.id + " FAILED: " + app.diagnostics;
        }
        return o;
      }
      o.exists = true;
      o.matches_request = app.tags.empty() || app.HasTag("sluice-spec-" + cmd.spec_hash);
      o.web_interface_url = app.tracking_url;
      if (app.state != "RUNNING") {
        o.phase = "DEPLOYING";
        o.reason = "YARN application " + app.state;
        return o;
      }
      app_id = app.id;
    }
    SLUICE_ASSIGN_OR_RETURN(auto rest, RestOfApp(request, app_id));
    o.web_interface_url = tracking_url_;
    Status s = ObserveJob(*rest, o.job_id, o, target_ != Target::kYarnSession);
    if (!s.ok() && !o.jobmanager_answered && !o.reason.empty()) {
      o.exists = true;
      o.phase = "DEPLOYING";
      return o;
    }
    if (s.ok() && target_ != Target::kYarnSession && o.phase == "ABSENT") {
      // The job ended; its application and cluster are shutting down.
      o.exists = true;
      o.phase = "DELETING";
    }
    if (!s.ok()) {
      if (s.error().code != ErrorCode::kNotFound) return s.error();
      if (target_ == Target::kYarnSession) {
        o.exists = false;
        o.phase = "ABSENT";
      } else {
        o.phase = "DEPLOYING";  // the application runs; its job is not there yet
      }
    }
    if (target_ == Target::kYarnSession) o.matches_request = o.exists;
    return o;
  }

  Result<Operation> TriggerSavepoint(const DeploymentRequest& request,
                                     const SavepointOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(auto rest, RestOf(request));
    return RestSavepoint(*rest, JobIdFor(request), options);
  }
  Result<Operation> Suspend(const DeploymentRequest& request,
                            const SavepointOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(auto rest, RestOf(request));
    return RestStop(*rest, JobIdFor(request), options);
  }
  Result<OperationResult> Poll(const DeploymentRequest& request, const Operation& op) override {
    SLUICE_ASSIGN_OR_RETURN(auto rest, RestOf(request));
    return RestPoll(*rest, op);
  }
  Result<Operation> DisposeSavepoint(const DeploymentRequest& request,
                                     const std::string& path) override {
    SLUICE_ASSIGN_OR_RETURN(auto rest, RestOf(request));
    return RestDispose(*rest, path);
  }
  Status Cancel(const DeploymentRequest& request) override {
    auto rest = RestOf(request);
    if (!rest.ok())
      return rest.error().code == ErrorCode::kNotFound ? Status{} : Status(rest.error());
    return RestCancel(**rest, JobIdFor(request));
  }
  // Application and per-job clusters are the job's: killed through the ResourceManager.
  // A session is not: its job is cancelled.
  Status Delete(const DeploymentRequest& request, HaMetadata) override {
    if (target_ == Target::kYarnSession) return Cancel(request);
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(*settings_, request, target_, nullptr));
    SLUICE_ASSIGN_OR_RETURN(auto apps, FindApps(cmd, true));
    auto rm = Rm();
    for (const auto& app : apps) {
      auto killed = rm.Kill(app.id);
      if (!killed.ok() && killed.error().code != ErrorCode::kNotFound) return killed.error();
    }
    return {};
  }

 private:
  yarn::ResourceManagerClient Rm() const {
    const YarnSettings& y = *settings_->yarn;
    return yarn::ResourceManagerClient(
        {.urls = y.resource_managers, .tls = y.tls, .user = y.user, .timeout = y.timeout});
  }

  // The job's applications (newest first): named after the cluster id, with Sluice's
  // cluster tag when the ResourceManager keeps tags.
  Result<std::vector<yarn::Application>> FindApps(const CliCommand& cmd, bool active_only) {
    yarn::ListFilter filter;
    if (active_only) filter.states = kActiveStates;
    SLUICE_ASSIGN_OR_RETURN(auto apps, Rm().ListApplications(filter));
    std::vector<yarn::Application> out;
    const std::string tag = cmd.yarn_tags.size() > 1 ? cmd.yarn_tags[1] : "";
    for (auto& app : apps) {
      if (app.name != cmd.yarn_name) continue;
      if (!app.tags.empty() && !tag.empty() && !app.HasTag(tag)) continue;
      out.push_back(std::move(app));
    }
    return out;
  }

  // The JobManager of an application, through its tracking URL.
  Result<std::unique_ptr<flink::RestClient>> RestOfApp(const DeploymentRequest& request,
                                                       const std::string& app_id) {
    SLUICE_ASSIGN_OR_RETURN(yarn::Application app, Rm().GetApplication(app_id));
    if (app.state != "RUNNING") {
      return Error{app.Terminal() ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                   "YARN application " + app_id + " is " + app.state +
                       (app.diagnostics.empty() ? "" : ": " + app.diagnostics),
                   request.cluster_id, ""};
    }
    tracking_url_ = app.tracking_url;
    return RestClientFor(app.tracking_url, ReleaseOf(request), {.tls = settings_->yarn->tls});
  }

  Result<std::unique_ptr<flink::RestClient>> RestOf(const DeploymentRequest& request) {
    if (target_ == Target::kYarnSession)
      return RestOfApp(request, request.job.spec.session_cluster);
    SLUICE_ASSIGN_OR_RETURN(CliCommand cmd, CommandFor(*settings_, request, target_, nullptr));
    SLUICE_ASSIGN_OR_RETURN(auto apps, FindApps(cmd, true));
    if (apps.empty()) {
      return NotFound("no running YARN application named " + Quote(cmd.yarn_name) + " for " +
                      request.cluster_id);
    }
    return RestOfApp(request, apps.front().id);
  }

  Target target_;
  std::shared_ptr<const CliTarget> settings_;
  std::string tracking_url_;  // of the last application reached
};

}  // namespace

std::unique_ptr<Deployer> NewYarnDeployer(Target target,
                                          std::shared_ptr<const CliTarget> settings) {
  return std::make_unique<YarnDeployer>(target, std::move(settings));
}

}  // namespace sluice::deploy
