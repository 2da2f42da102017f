#include "reconcile/status.h"

#include <set>

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;

template <typename T>
void Get(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    // A field of the wrong type is left at its default: the status is rewritten anyway.
  }
}

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys = {"reason",
                                             "webUrl",
                                             "clusterId",
                                             "flinkJobId",
                                             "flinkJobState",
                                             "deployed",
                                             "deployedVersion",
                                             "deployedRestartNonce",
                                             "deployedRestorePath",
                                             "deployedGeneration",
                                             "observedRevision",
                                             "restarts",
                                             "lastException",
                                             "lastSavepoint",
                                             "lastCheckpoint",
                                             "lastCheckpointTime",
                                             "step",
                                             "observedAt",
                                             "restartTimes",
                                             "failedAt",
                                             "gaveUp",
                                             "unansweredSince",
                                             "runningSince",
                                             "consumedRestorePath",
                                             "upgrade",
                                             "failedVersion",
                                             "failedNonce",
                                             "deployingAs"};
  return keys;
}

}  // namespace

json StepToJson(const Step& s) {
  json j = {
      {"kind", s.kind}, {"purpose", s.purpose}, {"phase", s.phase}, {"startedAt", s.started_at}};
  if (!s.trigger_id.empty()) j["triggerId"] = s.trigger_id;
  if (!s.flink_job_id.empty()) j["flinkJobId"] = s.flink_job_id;
  if (s.savepoint_id) j["savepointId"] = s.savepoint_id;
  if (s.drain) j["drain"] = true;
  if (s.wipe_ha) j["wipeHa"] = true;
  if (s.target_version) {
    j["targetVersion"] = s.target_version;
    j["targetNonce"] = s.target_nonce;
    j["restorePath"] = s.restore_path;
  }
  if (s.from_version) {
    j["fromVersion"] = s.from_version;
    j["fromNonce"] = s.from_nonce;
  }
  return j;
}

Step StepFromJson(const json& j) {
  Step s;
  if (!j.is_object()) return s;
  Get(j, "kind", s.kind);
  Get(j, "purpose", s.purpose);
  Get(j, "phase", s.phase);
  Get(j, "triggerId", s.trigger_id);
  Get(j, "flinkJobId", s.flink_job_id);
  Get(j, "savepointId", s.savepoint_id);
  Get(j, "drain", s.drain);
  Get(j, "wipeHa", s.wipe_ha);
  Get(j, "startedAt", s.started_at);
  Get(j, "targetVersion", s.target_version);
  Get(j, "targetNonce", s.target_nonce);
  Get(j, "restorePath", s.restore_path);
  Get(j, "fromVersion", s.from_version);
  Get(j, "fromNonce", s.from_nonce);
  return s;
}

JobStatus JobStatus::Parse(const std::string& status_json) {
  JobStatus s;
  json j = json::parse(status_json, nullptr, false);
  if (!j.is_object()) return s;
  Get(j, "reason", s.reason);
  Get(j, "webUrl", s.web_url);
  Get(j, "clusterId", s.cluster_id);
  Get(j, "flinkJobId", s.flink_job_id);
  Get(j, "flinkJobState", s.flink_job_state);
  Get(j, "deployed", s.deployed);
  Get(j, "deployedVersion", s.deployed_version);
  Get(j, "deployedRestartNonce", s.deployed_restart_nonce);
  Get(j, "deployedRestorePath", s.deployed_restore_path);
  Get(j, "deployedGeneration", s.deployed_generation);
  Get(j, "observedRevision", s.observed_revision);
  Get(j, "restarts", s.restarts);
  Get(j, "lastException", s.last_exception);
  Get(j, "lastSavepoint", s.last_savepoint);
  Get(j, "lastCheckpoint", s.last_checkpoint);
  Get(j, "lastCheckpointTime", s.last_checkpoint_time);
  if (j.contains("step") && j["step"].is_object()) s.step = StepFromJson(j["step"]);
  Get(j, "observedAt", s.observed_at);
  Get(j, "restartTimes", s.restart_times);
  Get(j, "failedAt", s.failed_at);
  Get(j, "gaveUp", s.gave_up);
  Get(j, "unansweredSince", s.unanswered_since);
  Get(j, "runningSince", s.running_since);
  Get(j, "consumedRestorePath", s.consumed_restore_path);
  if (j.contains("upgrade") && j["upgrade"].is_object()) {
    Upgrade u;
    const json& uj = j["upgrade"];
    Get(uj, "fromVersion", u.from_version);
    Get(uj, "fromNonce", u.from_nonce);
    Get(uj, "statePath", u.state_path);
    Get(uj, "startedAt", u.started_at);
    Get(uj, "rollback", u.rollback);
    s.upgrade = u;
  }
  Get(j, "failedVersion", s.failed_version);
  Get(j, "failedNonce", s.failed_nonce);
  Get(j, "deployingAs", s.deploying_as);
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!KnownKeys().contains(it.key())) s.unknown[it.key()] = it.value();
  }
  return s;
}

json JobStatus::ToJson() const {
  json j = unknown.is_object() ? unknown : json::object();
  j["reason"] = reason;
  j["webUrl"] = web_url.empty() ? json(nullptr) : json(web_url);
  j["clusterId"] = cluster_id;
  j["flinkJobId"] = flink_job_id;
  j["flinkJobState"] = flink_job_state;
  j["deployed"] = deployed;
  j["deployedVersion"] = deployed_version;
  j["deployedRestartNonce"] = deployed_restart_nonce;
  j["deployedRestorePath"] = deployed_restore_path;
  j["deployedGeneration"] = deployed_generation;
  j["observedRevision"] = observed_revision;
  j["restarts"] = restarts;
  j["lastException"] = last_exception;
  j["lastSavepoint"] = last_savepoint;
  j["lastCheckpoint"] = last_checkpoint;
  j["lastCheckpointTime"] = last_checkpoint_time;
  j["step"] = step ? StepToJson(*step) : json(nullptr);
  j["observedAt"] = observed_at;
  j["restartTimes"] = restart_times;
  j["failedAt"] = failed_at;
  j["gaveUp"] = gave_up;
  j["unansweredSince"] = unanswered_since;
  j["runningSince"] = running_since;
  j["consumedRestorePath"] = consumed_restore_path;
  if (upgrade) {
    j["upgrade"] = {{"fromVersion", upgrade->from_version},
                    {"fromNonce", upgrade->from_nonce},
                    {"statePath", upgrade->state_path},
                    {"startedAt", upgrade->started_at},
                    {"rollback", upgrade->rollback}};
  } else {
    j["upgrade"] = nullptr;
  }
  j["failedVersion"] = failed_version;
  j["failedNonce"] = failed_nonce;
  j["deployingAs"] = deploying_as;
  return j;
}

}  // namespace sluice::reconcile
