// The JobManager's view in deploy::Observation: restarts, latest checkpoint and the last
// exception (secrets masked) of a kubernetes-application job on a sluice-sim process, a
// job found again under another id after a failover, and details read only when needed.
#include <gtest/gtest.h>

#include "deploy/jobmanager_rest.h"
#include "deploy/preflight.h"
#include "k8s/client.h"
#include "k8s/sim_process.h"
#include "support.h"

namespace sluice::deploy {
namespace {

using nlohmann::json;
using sluice::testing::WaitUntil;
using testing::CaseText;
using testing::LoadCaseText;
using testing::RequestFor;

using testing::kLong;

TEST(FailoverMatchTest, TakesTheOnlyRunningJobWhenTheExpectedOneIsGone) {
  std::vector<flink::JobSummary> jobs = {{.id = "a", .state = "CANCELED"},
                                         {.id = "b", .state = "RUNNING"}};
  auto match = FailoverMatch(jobs, "x");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->id, "b");
  EXPECT_FALSE(FailoverMatch(jobs, "a").has_value()) << "the expected job is there";
  jobs.push_back({.id = "c", .state = "RESTARTING"});
  EXPECT_FALSE(FailoverMatch(jobs, "x").has_value()) << "two candidates: none is taken";
  EXPECT_FALSE(FailoverMatch({}, "x").has_value());
}

class JobManagerDetailsTest : public testing::SimDeployTest {
 protected:
  JobManagerDetailsTest() : SimDeployTest(spec::Target::kKubernetesApplication) {}

  DeploymentRequest Prepare(const std::string& name, const std::string& new_name) {
    std::string text = CaseText(name);
    size_t at = text.find("name: lifecycle");
    EXPECT_NE(at, std::string::npos);
    text.replace(at, 15, "name: " + new_name);
    DeploymentRequest request = RequestFor(LoadCaseText(text, name));
    auto report =
        Preflight(*client_, request, spec::Target::kKubernetesApplication, {.setup = true});
    EXPECT_TRUE(report.ok() && report->ok());
    return request;
  }

  Observation WaitFor(const DeploymentRequest& request,
                      const std::function<bool(const Observation&)>& pred) {
    bool ok = false;
    Observation last = ObserveUntil(request, pred, &ok);
    EXPECT_TRUE(ok) << "phase " << last.phase << " (" << last.reason << "), job " << last.job_state
                    << ", restarts " << last.restarts;
    return last;
  }
};

TEST_F(JobManagerDetailsTest, RestartsCheckpointsAndTheLastExceptionMasked) {
  DeploymentRequest request = Prepare("lifecycle-1.20", "details");
  ASSERT_TRUE(deployer_->Submit(request).ok());
  Observation running = WaitFor(request, [](const Observation& o) {
    return o.job_state == "RUNNING" && o.latest_checkpoint.has_value();
  });
  EXPECT_TRUE(running.jobmanager_answered);
  EXPECT_EQ(running.restarts, 0);
  EXPECT_EQ(running.last_exception, "");
  ASSERT_TRUE(running.latest_checkpoint.has_value());
  EXPECT_GT(running.latest_checkpoint->id, 0);
  EXPECT_GT(running.latest_checkpoint->time, 0);
  EXPECT_FALSE(running.latest_checkpoint->savepoint);

  json failed = sim_->Admin(
      "POST", "/sim/v1/flink/" + request.namespace_ + "/" + request.cluster_id + "/fail-job",
      {{"exception", "java.sql.SQLException: login refused, password=hunter2 user=bob"}});
  ASSERT_EQ(failed.value("failed", false), true) << failed.dump();
  Observation after = WaitFor(request, [](const Observation& o) { return o.restarts >= 1; });
  EXPECT_EQ(after.restarts, 1);
  EXPECT_NE(after.last_exception.find("SQLException: login refused"), std::string::npos)
      << after.last_exception;
  EXPECT_EQ(after.last_exception.find("hunter2"), std::string::npos) << after.last_exception;
  EXPECT_NE(after.last_exception.find("password=******"), std::string::npos);
  EXPECT_GT(after.last_exception_time, 0);
  // Back to RUNNING, the exception is still reported (remembered, not read again).
  Observation again = WaitFor(
      request, [](const Observation& o) { return o.job_state == "RUNNING" && o.restarts == 1; });
  EXPECT_EQ(again.last_exception, after.last_exception);
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
}

}  // namespace
}  // namespace sluice::deploy
