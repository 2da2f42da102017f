// Crash safety: every deployer call is made, then the pass ends before its result is
// stored (as if `sluice serve` died there), and the next pass is made by a fresh Reconciler
// with no memory. Each call is therefore repeated once. Throughout, at most one cluster
// exists for the job, no COMPLETED savepoint is lost, and the job converges.
#include <set>

#include "support.h"

namespace sluice::reconcile::testing {
namespace {

using json = nlohmann::json;
constexpr const char* kNs = "lifecycle";

class CrashTest : public SimTest {
 protected:
  void CrashAfterEveryCall() {
    fresh_ = [this] {
      ReconcilerOptions o = Options();
      o.after_call = [this](std::string_view call) {
        if (!crash_next_) {
          crash_next_ = true;
          return false;
        }
        crash_next_ = false;
        crashed_.emplace_back(call);
        return true;
      };
      return NewReconciler(o);
    };
  }

  // Until `pred`, checking after every pass that there is never a second cluster.
  bool Converges(int64_t id, const std::string& cluster_id,
                 const std::function<bool(const store::Job&)>& pred) {
    return Until(id, [&](const store::Job& j) {
      int n = Deployments(kNs, cluster_id);
      max_deployments_ = std::max(max_deployments_, n);
      return pred(j);
    });
  }

  bool crash_next_ = true;
  std::vector<std::string> crashed_;
  int max_deployments_ = 0;
};

bool RunningAt(const store::Job& j, int64_t version) {
  return j.state == "RUNNING" && json::parse(j.status_json).value("deployedVersion", 0) == version;
}

TEST_F(CrashTest, DeploymentSurvivesACrashAfterEveryCall) {
  CrashAfterEveryCall();
  int64_t id = Create(SpecText("jar", "crash-deploy"));
  ASSERT_TRUE(Converges(id, "crash-deploy", [](const store::Job& j) { return RunningAt(j, 1); }))
      << Job(id).status_json << " " << last_;
  EXPECT_FALSE(crashed_.empty());
  EXPECT_EQ(crashed_.front(), "submit");
  EXPECT_EQ(max_deployments_, 1);
  EXPECT_EQ(Deployments(kNs, "crash-deploy"), 1);
  EXPECT_TRUE(json::parse(Job(id).status_json)["step"].is_null());
}

TEST_F(CrashTest, SavepointUpgradeSurvivesACrashAfterEveryCall) {
  int64_t id = Create(SpecText("jar", "crash-upgrade"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  auto manual = store_->CreateSavepoint({.job_id = id,
                                         .trigger = "manual",
                                         .state = "REQUESTED",
                                         .requested_by = "t",
                                         .spec_version = 1,
                                         .trigger_id = "00112233445566778899aabbccddeeff"});
  ASSERT_TRUE(manual.ok());
  CrashAfterEveryCall();
  ASSERT_TRUE(Converges(id, "crash-upgrade", [&](const store::Job&) {
    auto s = store_->GetSavepoint(manual->id);
    return s.ok() && s->state == "COMPLETED";
  })) << last_;
  std::string manual_path = store_->GetSavepoint(manual->id)->path;

  AddVersion(id, SpecText("jar", "crash-upgrade", {{"parallelism: 1", "parallelism: 2"}}));
  ASSERT_TRUE(Converges(id, "crash-upgrade", [](const store::Job& j) { return RunningAt(j, 2); }))
      << Job(id).status_json << " " << last_;
  EXPECT_EQ(max_deployments_, 1);
  EXPECT_EQ(Deployments(kNs, "crash-upgrade"), 1);
  std::set<std::string> calls(crashed_.begin(), crashed_.end());
  for (const char* c : {"trigger-savepoint", "poll", "suspend", "delete", "submit"})
    EXPECT_TRUE(calls.contains(c)) << c;

  // No savepoint lost: the manual one and the upgrade's stop savepoint, both COMPLETED,
  // and the new version restored from the latter.
  auto rows = Savepoints(id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state, "COMPLETED");
  EXPECT_EQ(rows[0].path, manual_path);
  EXPECT_EQ(rows[1].trigger, "upgrade");
  EXPECT_EQ(rows[1].state, "COMPLETED");
  EXPECT_EQ(RestoredFrom(kNs, "crash-upgrade"), rows[1].path);
}

}  // namespace
}  // namespace sluice::reconcile::testing
