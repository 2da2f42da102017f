// Faults (label fault): a dropped watch resumes and no change is missed; a watch that fails
// stops the cache from serving, Observe then reads the API server and says what failed
// (500s, timeouts), and all recovers when the fault ends; a JobManager that does not answer
// shows in the observation.
#include <gtest/gtest.h>

#include "k8s/errors.h"
#include "support.h"

namespace sluice::observe {
namespace {

using nlohmann::json;
using sluice::testing::WaitUntil;
namespace types = k8s::types;

constexpr auto kLong = std::chrono::seconds(60);

class FaultTest : public testing::SimTest {
 protected:
  // A pod with Flink's labels, as a TaskManager of cluster `cid` would have.
  void CreatePod(const std::string& ns, const std::string& name, const std::string& cid) {
    json pod = {
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata",
         {{"name", name},
          {"namespace", ns},
          {"labels",
           {{"app", cid}, {"type", "flink-native-kubernetes"}, {"component", "taskmanager"}}}}},
        {"spec", {{"containers", {{{"name", "main"}, {"image", "flink:1.20"}}}}}}};
    auto r = direct_->Create(types::Pod(), ns, pod);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  void EnsureNamespace(const std::string& ns) {
    auto r = direct_->Create(
        types::Namespace(), "",
        {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    ASSERT_TRUE(r.ok() || k8s::IsAlreadyExists(r.error())) << r.error().ToString();
  }
};

TEST_F(FaultTest, ADroppedWatchResumesAndMissesNoChange) {
  EnsureNamespace("drops");
  CreatePod("drops", "before-1", "dropped");
  ASSERT_TRUE(WaitUntil([&] { return recorder_.Seen("drops", "dropped"); }, kLong));
  for (int round = 0; round < 3; ++round) {
    sim_->DropWatches();
    std::string name = "after-" + std::to_string(round);
    int before = recorder_.Count("drops", "dropped");
    CreatePod("drops", name, "dropped");
    EXPECT_TRUE(WaitUntil([&] { return recorder_.Count("drops", "dropped") > before; }, kLong))
        << "round " << round;
    // The drop may be noticed after the new pod's event arrived (then the type is served
    // again from the next bookmark, every 100 ms here): wait for it rather than race it.
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto served = cache_->Get(types::Pod(), "drops", name);
          return served.has_value() && served->ok();
        },
        kLong))
        << "served from the cache, round " << round;
  }
}

TEST_F(FaultTest, AFailingWatchIsNotServedUntilItResumes) {
  EnsureNamespace("outage");
  // The watch and list of all pods fail with 500: drop the stream so that it must reconnect.
  sim_->FailNext("GET", "^/api/v1/pods$", -1);
  sim_->DropWatches();
  ASSERT_TRUE(WaitUntil([&] { return !StateOf("pods").healthy; }, kLong));
  EXPECT_NE(StateOf("pods").note.find("watch failed"), std::string::npos) << StateOf("pods").note;
  EXPECT_FALSE(
      cache_->List(types::Pod(), "outage", "type=flink-native-kubernetes,app=late").has_value())
      << "a stale type is not served: reads go to the API server";
  // A change made during the outage is notified once the watch is back.
  CreatePod("outage", "during", "late");
  sim_->ClearFaults();
  EXPECT_TRUE(WaitUntil([&] { return recorder_.Seen("outage", "late"); }, kLong));
  EXPECT_TRUE(WaitUntil([&] { return StateOf("pods").healthy; }, kLong));
  auto listed = cache_->List(types::Pod(), "outage", "type=flink-native-kubernetes,app=late");
  ASSERT_TRUE(listed.has_value());
  ASSERT_TRUE(listed->ok());
  EXPECT_EQ((*listed)->size(), 1u);
}

TEST_F(FaultTest, ApiServerErrorsSaySoAndRecover) {
  deploy::DeploymentRequest request = Prepare("api-faults");
  ASSERT_TRUE(deployer_->Submit(request).ok());
  WaitFor(request, [](const deploy::Observation& o) { return o.job_state == "RUNNING"; });
  std::string ns = request.namespace_, cid = request.cluster_id;

  // The deployments watch fails, so Observe reads the API server, which answers 500.
  sim_->FailNext("GET", "^/apis/apps/v1/deployments$", -1);
  sim_->FailNext("GET", "^/apis/apps/v1/namespaces/" + ns + "/deployments/" + cid + "$", -1, 500,
                 "etcdserver: leader changed");
  sim_->DropWatches();
  ASSERT_TRUE(WaitUntil([&] { return !StateOf("deployments.apps").healthy; }, kLong));
  auto failed = deployer_->Observe(request);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable) << failed.error().ToString();
  EXPECT_NE(failed.error().ToString().find("etcdserver: leader changed"), std::string::npos)
      << failed.error().ToString();
  EXPECT_NE(failed.error().ToString().find(cid), std::string::npos) << "names the object";

  sim_->ClearFaults();
  EXPECT_TRUE(WaitUntil([&] { return StateOf("deployments.apps").healthy; }, kLong));
  deploy::Observation back =
      WaitFor(request, [](const deploy::Observation& o) { return o.job_state == "RUNNING"; });
  EXPECT_TRUE(back.exists);
  auto deployments = direct_->ListAll(types::Deployment(), ns, {.label_selector = "app=" + cid});
  ASSERT_TRUE(deployments.ok());
  EXPECT_EQ(deployments->size(), 1u) << "nothing duplicated";
  ASSERT_TRUE(deployer_->Delete(request, deploy::HaMetadata::kWipe).ok());
}

TEST_F(FaultTest, AnApiServerThatTimesOutSaysSoAndRecovers) {
  deploy::DeploymentRequest request = Prepare("api-timeouts");
  ASSERT_TRUE(deployer_->Submit(request).ok());
  WaitFor(request, [](const deploy::Observation& o) { return o.job_state == "RUNNING"; });
  std::string ns = request.namespace_, cid = request.cluster_id;

  sim_->FailNext("GET", "^/apis/apps/v1/deployments$", -1);
  sim_->DropWatches();
  ASSERT_TRUE(WaitUntil([&] { return !StateOf("deployments.apps").healthy; }, kLong));
  // As many hangs as the client makes attempts (3), each longer than its 5 s timeout.
  sim_->HangNext("GET", "^/apis/apps/v1/namespaces/" + ns + "/deployments/" + cid + "$", 3,
                 std::chrono::seconds(7));
  auto timed_out = deployer_->Observe(request);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error().code, ErrorCode::kTimeout) << timed_out.error().ToString();
  EXPECT_NE(timed_out.error().ToString().find(cid), std::string::npos) << "names the object";

  sim_->ClearFaults();
  EXPECT_TRUE(WaitUntil([&] { return StateOf("deployments.apps").healthy; }, kLong));
  deploy::Observation back =
      WaitFor(request, [](const deploy::Observation& o) { return o.job_state == "RUNNING"; });
  EXPECT_TRUE(back.exists);
  ASSERT_TRUE(deployer_->Delete(request, deploy::HaMetadata::kWipe).ok());
}

TEST_F(FaultTest, AJobManagerThatDoesNotAnswerShowsAndRecovers) {
  deploy::DeploymentRequest request = Prepare("jm-silent");
  ASSERT_TRUE(deployer_->Submit(request).ok());
  WaitFor(request, [](const deploy::Observation& o) { return o.job_state == "RUNNING"; });

  std::string proxy = "/services/" + request.cluster_id + "-rest[^/]*/proxy/";
  sim_->FailNext("", proxy, -1, 503, "no endpoints available for service");
  auto silent = deployer_->Observe(request);
  ASSERT_TRUE(silent.ok()) << silent.error().ToString();
  EXPECT_FALSE(silent->jobmanager_answered);
  EXPECT_TRUE(silent->exists);
  EXPECT_EQ(silent->phase, "DEPLOYING");
  EXPECT_TRUE(silent->reason.starts_with("JobManager not answering: ")) << silent->reason;
  EXPECT_NE(silent->reason.find("no endpoints available"), std::string::npos) << silent->reason;

  sim_->ClearFaults();
  deploy::Observation back = WaitFor(request, [](const deploy::Observation& o) {
    return o.jobmanager_answered && o.job_state == "RUNNING";
  });
  EXPECT_EQ(back.phase, "RUNNING");
  EXPECT_EQ(back.reason, "");
  ASSERT_TRUE(deployer_->Delete(request, deploy::HaMetadata::kWipe).ok());
}

}  // namespace
}  // namespace sluice::observe
