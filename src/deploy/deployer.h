// The Deployer: one interface for every target a job can run on (docs/deploy.md).
// Kubernetes targets live here (kubernetes-application, kubernetes-session, operator);
// YARN, standalone (remote) and local follow behind the same interface (issue 4), and the
// reconciler (issue 8) drives all of them one step at a time.
//
// Contract of every call:
//   - Deterministic names: a deployment's objects are named after its cluster id
//     (spec::ClusterId) and found again by name and labels, never by remembered state.
//   - Idempotent: repeating a call after a crash, a timeout or a success has the effect
//     of one call. Submit never creates a second cluster or job for the same request;
//     savepoints and stops take the caller's trigger id, so a repeat is the same request.
//   - Non-blocking: calls start an action and return; Observe / PollOperation report
//     progress (the CLI's `sluice deploy` waits on top of them).
//   - Nothing is stored: what a call needs is in the request; what it learns is returned.
//   - Errors name the object and quote the cluster's own message (API server Status,
//     Flink's REST error, pod status).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "spec/flink_config.h"
#include "spec/job_spec.h"

namespace sluice::k8s {
class Client;
}

namespace sluice::deploy {

struct CliTarget;  // cli_target.h (issue 4)

// Where the job goes, with credentials already resolved by the caller: the CLI from
// --kubeconfig/--context, `sluice serve` from the registered cluster (spec.cluster).
// Issue 4 adds its own members (Flink distribution, YARN ResourceManager URL, JobManager
// URL of a standalone cluster) beside `kubernetes`.
struct KubernetesTarget {
  std::shared_ptr<k8s::Client> client;
  // How Sluice reaches a JobManager's REST API. Empty: through the API server's service
  // proxy (works from anywhere the API server is reachable). Otherwise a base URL such as
  // http://{node}:{nodePort}; "{service}" and "{namespace}" are substituted.
  std::string rest_url_template;
  std::string field_manager = "sluice";  // server-side apply manager
  // Session clusters on Flink 1.x run SQL through the runner jar, uploaded from here
  // (runner/: sluice-sql-runner.jar built against the cluster's Flink).
  std::string sql_runner_jar;
};

struct ClusterTarget {
  std::string name;  // for messages: the registered cluster or kube context
  std::optional<KubernetesTarget> kubernetes;
  std::shared_ptr<const CliTarget> cli;  // yarn-*, remote, local (cli_target.h)
};

// One deployment of one version of one job: everything a target needs.
struct DeploymentRequest {
  spec::JobSpec job;         // parsed, defaulted and validated (spec/parse.h)
  std::string spec_version;  // the store's version id of this spec ("" from the CLI)
  std::string cluster_id;    // spec::ClusterId(job), checked (MakeRequest)
  std::string namespace_;    // job.spec.namespace_ for Kubernetes targets
  // Where state comes from, resolved by the caller (the reconciler picks the latest
  // savepoint or checkpoint; the CLI takes spec.restore.path). "" = empty state, or for
  // an HA cluster whose metadata was kept, Flink's own latest checkpoint.
  std::string restore_path;
  bool allow_non_restored_state = false;
  std::string claim_mode;  // CLAIM, NO_CLAIM (default), LEGACY (1.x only)
  // The Flink job id (32 hex digits). Empty: for HA clusters Flink derives it from the
  // cluster id (so last-state upgrades find their checkpoints); otherwise MakeRequest
  // derives one from cluster id, spec version and restore path, so a repeated Submit
  // names the same job and a new version a new one.
  std::string job_id;
  // The SQL script's SET options (sql::Check), merged into the configuration.
  std::map<std::string, std::string> sql_set;
  // operator: apply a changed spec to the existing resource and let the operator upgrade
  // it per spec.upgradeMode. Native targets never change a running cluster in place.
  bool update_in_place = false;
};

// Builds a request from a spec: cluster id (checked against DNS-1035 and Flink's 45
// characters, with a clear error), namespace, restore path from spec.restore, job id.
Result<DeploymentRequest> MakeRequest(const spec::JobSpec& job, std::string spec_version = "");

// An object a deployment consists of.
struct ObjectRef {
  std::string api_version, kind, namespace_, name, uid;
  std::string ToString() const;  // "Deployment flink/my-app"
};

// A dry run: what Submit would create, without a cluster.
struct Rendered {
  std::vector<nlohmann::ordered_json> objects;  // in creation order
  std::vector<std::string> argv;                // for CLI targets (issue 4)
  std::map<std::string, std::string> env;       // the client's environment, secrets masked
  std::vector<std::string> warnings;
  // Secret values in the objects (Secret data, ConfigMap entries) as "******" for output.
  std::vector<nlohmann::ordered_json> MaskedObjects() const;
  nlohmann::ordered_json ToJson(bool mask_secrets = true) const;  // {objects, argv, warnings}
  std::string ToYaml(bool mask_secrets = true) const;             // one multi-document stream
};

struct Submission {
  std::string cluster_id;
  std::string job_id;    // known in advance (request or derived), "" when Flink picks it
  bool existed = false;  // found as requested; nothing was created
  std::vector<ObjectRef> objects;
  std::vector<std::string> warnings;
  std::string web_interface_url;  // answers Flink's REST API (see KubernetesTarget)
};

// What a target says about a deployment, found by its deterministic names.
struct Observation {
  bool exists = false;
  bool matches_request = false;  // same spec hash as the request
  std::string spec_hash;         // of what is deployed
  // ABSENT, DEPLOYING, RUNNING (the JobManager answers), FAILED (pods cannot start, or the
  // operator says so), SUSPENDED (operator), DELETING.
  std::string phase;
  std::string reason;  // why it is not RUNNING: ImagePullBackOff: <message>, FailedCreate...
  std::string job_id;
  std::string job_state;  // Flink's JobStatus when the JobManager answers
  std::string web_interface_url;
  std::vector<ObjectRef> objects;
  nlohmann::json details;  // target-specific (operator status, pod statuses)

  // What the JobManager said about the job, when it answered (issue 8's observer fills
  // these; the reconciler keeps them in the job's status).
  struct Checkpoint {
    int64_t id = 0;
    std::string path;  // external path; "" when not retained
    int64_t time = 0;  // Unix ms when it completed
    int64_t size_bytes = 0;
    bool savepoint = false;
  };
  bool jobmanager_answered = false;
  int restarts = -1;                            // Flink's restart count of the job; -1 unknown
  std::optional<Checkpoint> latest_checkpoint;  // latest completed one
  std::string last_exception;                   // root cause, secrets masked; "" none
  int64_t last_exception_time = 0;
};

enum class SavepointFormat { kCanonical, kNative };

struct SavepointOptions {
  std::string directory;   // "" = the job's savepoint directory
  std::string trigger_id;  // 32 hex digits, chosen by the caller; "" = a new one
  SavepointFormat format = SavepointFormat::kCanonical;
  bool drain = false;  // stop only: emit MAX_WATERMARK before stopping
};

// An asynchronous savepoint or stop, identified well enough to poll it again after a
// restart of the caller.
struct Operation {
  std::string kind;  // savepoint, stop, disposal (no job id)
  std::string job_id;
  std::string trigger_id;
};

struct OperationResult {
  bool completed = false;
  std::string location;  // savepoint path on success
  std::string failure;   // Flink's failure cause
  // From the job's checkpoint statistics (the savepoint status has no size); 0 unknown.
  int64_t size_bytes = 0;
  bool ok() const { return completed && failure.empty(); }
};

enum class HaMetadata { kKeep, kWipe };

class Deployer {
 public:
  virtual ~Deployer() = default;
  virtual spec::Target target() const = 0;

  // Every object (or argv) Submit would create, with warnings. Needs no cluster.
  virtual Result<Rendered> Render(const DeploymentRequest& request) = 0;
  // Creates what is missing. A deployment that exists with the same spec hash is
  // completed if partial and reported with existed=true; one with another spec hash is
  // kAlreadyExists (the reconciler deletes or upgrades it first); objects with the same
  // names that Sluice did not make are kAlreadyExists too.
  virtual Result<Submission> Submit(const DeploymentRequest& request) = 0;
  virtual Result<Observation> Observe(const DeploymentRequest& request) = 0;

  virtual Result<Operation> TriggerSavepoint(const DeploymentRequest& request,
                                             const SavepointOptions& options) = 0;
  // Stop with savepoint (operator: job.state suspended with upgradeMode savepoint). The
  // cluster goes away on its own once the job finishes (application mode), or stays.
  virtual Result<Operation> Suspend(const DeploymentRequest& request,
                                    const SavepointOptions& options) = 0;
  virtual Result<OperationResult> Poll(const DeploymentRequest& request,
                                       const Operation& operation) = 0;
  // Asks the deployment's JobManager to delete the savepoint at `path` (Flink's
  // /savepoint-disposal); Poll follows the returned "disposal" operation. Targets that
  // cannot do it answer kUnimplemented.
  virtual Result<Operation> DisposeSavepoint(const DeploymentRequest& request,
                                             const std::string& path);
  virtual Status Cancel(const DeploymentRequest& request) = 0;
  // Removes every object of the deployment. kKeep leaves Flink's HA ConfigMaps (they
  // have no owner) so the same cluster id resumes from its latest checkpoint; kWipe
  // deletes them too. Deleting what is already gone succeeds.
  virtual Status Delete(const DeploymentRequest& request, HaMetadata ha) = 0;
};

// What a target would create, without a cluster (`sluice render`).
Result<Rendered> RenderWithoutCluster(spec::Target target, const DeploymentRequest& request);

// The deployer of a target; kUnimplemented for targets of issue 4 until they exist,
// kInvalidArgument when the cluster target lacks what the target needs.
Result<std::unique_ptr<Deployer>> NewDeployer(spec::Target target, ClusterTarget cluster);

}  // namespace sluice::deploy
