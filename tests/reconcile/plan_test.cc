// Plan() from data files: each tests/reconcile/testdata/plan/*.json holds a PlanInput
// (intent, status, policy, observation, savepoints, now) and what the decision must be.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "reconcile/plan.h"
#include "support/test_env.h"

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

fs::path Dir() {
  return sluice::testing::SourceDir() / "tests/reconcile/testdata/plan";
}

std::vector<std::string> Cases() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(Dir()))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

PlanInput InputOf(const json& j) {
  PlanInput in;
  const json& job = j.at("job");
  in.job.id = 1;
  in.job.desired_state = job.value("desired", "RUNNING");
  in.job.spec_version = job.value("specVersion", 1);
  in.job.restart_nonce = job.value("restartNonce", 0);
  in.job.revision = job.value("revision", 1);
  in.job.state = job.value("state", "DRAFT");
  in.job.stop_with_savepoint = job.value("stopWithSavepoint", true);
  in.job.restore_path = job.value("restorePath", "");
  in.status = JobStatus::Parse(j.value("status", json::object()).dump());
  const json p = j.value("policy", json::object());
  std::string mode = p.value("upgradeMode", "stateless");
  in.policy.upgrade_mode = mode == "savepoint"    ? spec::UpgradeMode::kSavepoint
                           : mode == "last-state" ? spec::UpgradeMode::kLastState
                                                  : spec::UpgradeMode::kStateless;
  in.policy.ha = p.value("ha", false);
  in.policy.session = p.value("session", false);
  in.policy.savepoint_directory = p.value("savepointDirectory", "file:///sp");
  in.policy.max_restarts = p.value("maxRestarts", 5);
  in.policy.backoff_ms = p.value("backoffMs", 1000);
  in.policy.restart_window_ms = p.value("windowMs", 3600000);
  in.policy.savepoint_interval_ms = p.value("intervalMs", 0);
  in.policy.retain = p.value("retain", -1);
  if (j.contains("observed") && !j["observed"].is_null()) {
    const json& o = j["observed"];
    Observed ob;
    ob.ok = o.value("ok", true);
    ob.error = o.value("error", "");
    ob.o.exists = o.value("exists", true);
    ob.o.phase = o.value("phase", "RUNNING");
    ob.o.job_state = o.value("jobState", "");
    ob.o.job_id = o.value("jobId", "");
    ob.o.reason = o.value("reason", "");
    in.observed = ob;
  }
  for (const auto& s : j.value("savepoints", json::array())) {
    store::Savepoint r;
    r.id = s.value("id", 0);
    r.job_id = 1;
    r.trigger = s.value("trigger", "manual");
    r.state = s.value("state", "COMPLETED");
    r.path = s.value("path", "");
    r.trigger_id = s.value("triggerId", "");
    r.requested_at = s.value("requestedAt", 0);
    r.completed_at = s.value("completedAt", 0);
    r.error = s.value("error", "");
    in.savepoints.push_back(r);
  }
  in.now = j.value("now", 1000000);
  return in;
}

class PlanCase : public ::testing::TestWithParam<std::string> {};

TEST_P(PlanCase, DecidesAsTheFileSays) {
  std::ifstream f(Dir() / (GetParam() + ".json"));
  ASSERT_TRUE(f) << GetParam();
  json c = json::parse(f);
  PlanOptions options;
  options.grace_ms = c.value("graceMs", 60000);
  options.upgrade_deadline_ms = c.value("upgradeDeadlineMs", 300000);
  Decision d = Plan(InputOf(c.at("input")), options);
  const json& want = c.at("expect");
  SCOPED_TRACE(d.summary + " / status " + d.status.Dump());
  EXPECT_EQ(CallName(d.call), want.value("call", "none"));
  if (want.contains("state")) {
    EXPECT_EQ(d.state, want["state"]);
  }
  if (want.contains("stepKind")) {
    ASSERT_TRUE(d.status.step.has_value());
    EXPECT_EQ(d.status.step->kind, want["stepKind"]);
    if (want.contains("stepPhase")) {
      EXPECT_EQ(d.status.step->phase, want["stepPhase"]);
    }
    if (want.contains("stepPurpose")) {
      EXPECT_EQ(d.status.step->purpose, want["stepPurpose"]);
    }
    if (want.contains("restorePath")) {
      EXPECT_EQ(d.status.step->restore_path, want["restorePath"]);
    }
    if (want.contains("wipeHa")) {
      EXPECT_EQ(d.status.step->wipe_ha, want["wipeHa"]);
    }
  } else if (want.value("noStep", false)) {
    EXPECT_FALSE(d.status.step.has_value());
  }
  if (want.contains("reasonContains")) {
    EXPECT_NE(d.status.reason.find(want["reasonContains"].get<std::string>()), std::string::npos)
        << d.status.reason;
  }
  if (want.contains("deployedRestorePath")) {
    EXPECT_EQ(d.status.deployed_restore_path, want["deployedRestorePath"]);
  }
  EXPECT_EQ(d.mark_deleted, want.value("markDeleted", false));
  EXPECT_EQ(d.new_savepoint.has_value(), want.value("newSavepoint", false));
  if (want.contains("events")) {
    std::vector<std::string> types;
    for (const auto& e : d.events)
      types.push_back(e.type);
    EXPECT_EQ(types, want["events"].get<std::vector<std::string>>());
  }
  if (want.contains("savepointUpdates")) {
    std::vector<std::string> updates;
    for (const auto& u : d.savepoint_updates)
      updates.push_back(std::to_string(u.id) + ":" + u.state);
    EXPECT_EQ(updates, want["savepointUpdates"].get<std::vector<std::string>>());
  }
}

INSTANTIATE_TEST_SUITE_P(Files, PlanCase, ::testing::ValuesIn(Cases()), [](const auto& info) {
  std::string n = info.param;
  for (auto& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
});

}  // namespace
}  // namespace sluice::reconcile
