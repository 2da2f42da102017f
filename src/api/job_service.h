// Jobs as the API sees them: decoding and checking a spec sent as JSON, creating and
// updating jobs (a new spec version each time), and turning a user's action into intent
// for the reconciler. The API writes only the intent half of a job (docs/design-notes.md);
// the status half is the reconciler's.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_schema.h"
#include "api/permissions.h"
#include "common/result.h"
#include "spec/job_spec.h"
#include "store/store.h"

namespace sluice::api {

// A decoded, defaulted and valid spec, and what the job row takes from it.
struct JobInput {
  spec::JobSpec spec;
  std::string spec_json;  // canonical (spec::RenderJson), as stored in job_versions
  std::string name, team, cluster, target;
};

// What an action asks for, beyond its name (the body of POST .../actions/{action}).
struct ActionRequest {
  std::string action;          // deploy, stop, cancel, suspend, resume, savepoint, ...
  bool with_savepoint = true;  // stop
  bool drain = false;          // stop
  std::string savepoint_path;  // restart, deploy, resume: state to start from
  int64_t version = 0;         // rollback
  std::string actor;
};

struct ActionResult {
  store::Job job;
  std::optional<store::Savepoint> savepoint;  // the savepoint action's request
};

class JobService {
 public:
  explicit JobService(store::Store& store) : store_(store) {}

  // Called with the job id after every intent written (update, delete, action), so the
  // reconciler looks at the job now instead of at its next requeue. Set by `sluice serve`.
  using IntentNotifier = std::function<void(int64_t job_id)>;
  void SetIntentNotifier(IntentNotifier notifier) { notifier_ = std::move(notifier); }

  static const std::vector<std::string>& States();   // DRAFT DEPLOYING RUNNING ...
  static const std::vector<std::string>& Actions();  // deploy stop cancel ...

  // Decodes a spec sent as JSON (the YAML spec's shape): every problem by field path.
  static Result<JobInput> Parse(const nlohmann::json& spec, std::vector<SchemaError>* problems);
  // 422 for a team or cluster that does not exist, or a cluster the job's team may not use.
  Status CheckReferences(const JobInput& in) const;

  Result<store::Job> Create(const JobInput& in, const std::string& actor);
  // A new version when the spec or its placement changed; `*unchanged` otherwise.
  Result<store::Job> Update(const store::Job& current, const JobInput& in, int64_t revision,
                            const std::string& actor, bool* unchanged);
  // Records the wish to delete; a job that was never deployed is marked deleted at once
  // (`*gone`), others are left for the reconciler to stop and clean up.
  Result<store::Job> Delete(const store::Job& current, int64_t revision, const std::string& actor,
                            bool* gone);
  // Checks that the action makes sense now (kAborted with the reason otherwise) and records
  // the intent, retrying on a concurrent intent write.
  Result<ActionResult> Act(const std::string& name, const ActionRequest& request);

  // Team names by id and back; "" / 0 for none.
  std::string TeamName(int64_t team_id) const;
  Result<int64_t> TeamId(const std::string& team) const;

  // {name, team, cluster, target, revision, specVersion, intent, status, createdAt,
  // updatedAt} and `spec` when given.
  static nlohmann::json ToJson(const store::Job& job, const std::string& team,
                               const nlohmann::json* spec = nullptr);
  static nlohmann::json EventJson(const store::JobEvent& event);
  static nlohmann::json SavepointJson(const store::Savepoint& savepoint);
  static nlohmann::json VersionJson(const store::JobVersion& version, bool with_spec);

 private:
  // kAborted when `action` makes no sense for the job as it is; else the new intent.
  Result<store::Job> Plan(const store::Job& job, const ActionRequest& request) const;

  // Passes a written intent on to the notifier, if any.
  Result<store::Job> Notified(Result<store::Job> written) const;

  store::Store& store_;
  IntentNotifier notifier_;
};

}  // namespace sluice::api
