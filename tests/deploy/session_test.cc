// kubernetes-session against sluice-sim: the session cluster is created when missing, the
// job goes in through the JobManager's REST API (jar upload and run) with a job id fixed
// in advance, so a repeated submit finds it; SQL on 2.x through Flink's SqlDriver (an
// empty jar, the script uploaded beside it) and on 1.x through the runner jar; delete
// cancels the job and keeps the shared cluster.
#include <gtest/gtest.h>

#include "common/fs.h"
#include "deploy/jobmanager.h"
#include "deploy/preflight.h"
#include "deploy/session_jar.h"
#include "k8s/client.h"
#include "k8s/errors.h"
#include "k8s/resource.h"
#include "k8s/sim_process.h"
#include "support.h"

namespace sluice::deploy {
namespace {

using sluice::testing::TempDir;
using sluice::testing::WaitUntil;
using testing::CaseText;
using testing::LoadCaseText;
using testing::RequestFor;

using testing::kLong;

class SessionTest : public testing::SimDeployTest {
 protected:
  SessionTest() : SimDeployTest(std::nullopt) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SimDeployTest::SetUp());
    jar_ = (dir_.path() / "top-speed.jar").string();
    ASSERT_TRUE(WriteFileAtomic(jar_, EmptyJar()).ok());
    target_ = KubernetesTarget{.client = client_, .sql_runner_jar = jar_};
    ASSERT_NO_FATAL_FAILURE(UseDeployer(spec::Target::kKubernetesSession, target_));
  }

  DeploymentRequest Prepare(std::string text) {
    size_t at = text.find("local:///opt/flink/examples/streaming/TopSpeedWindowing.jar");
    if (at != std::string::npos) text.replace(at, 59, "file://" + jar_);
    DeploymentRequest request = RequestFor(LoadCaseText(text, "session"));
    auto report = Preflight(*client_, request, spec::Target::kKubernetesSession, {.setup = true});
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return request;
  }

  // Submits until the session cluster answers (Submit says kUnavailable until then).
  Result<Submission> SubmitWhenReady(const DeploymentRequest& request) {
    Result<Submission> sub = deployer_->Submit(request);
    WaitUntil(
        [&] {
          if (sub.ok() || (sub.error().code != ErrorCode::kUnavailable &&
                           sub.error().code != ErrorCode::kTimeout)) {
            return true;
          }
          sub = deployer_->Submit(request);
          return sub.ok();
        },
        kLong);
    return sub;
  }

  void WaitForRunningJob(const DeploymentRequest& request) {
    bool running = false;
    Observation last = ObserveUntil(
        request,
        [](const Observation& o) { return o.phase == "RUNNING" && o.job_state == "RUNNING"; },
        &running);
    EXPECT_TRUE(running) << last.phase << " " << last.reason << " " << last.job_state;
  }

  size_t JobsOn(const std::string& ns, const std::string& cluster) {
    auto jm = JobManagerFor(target_, ns, cluster + "-rest", "1.20");
    EXPECT_TRUE(jm.ok());
    auto jobs = jm->JobsOverview();
    EXPECT_TRUE(jobs.ok()) << jobs.error().ToString();
    return jobs.ok() ? jobs->size() : 0;
  }

  TempDir dir_;
  std::string jar_;
  KubernetesTarget target_;
};

TEST_F(SessionTest, JarJobRunsOnceAndDeleteKeepsTheCluster) {
  DeploymentRequest request = Prepare(CaseText("session-1.20"));
  auto sub = SubmitWhenReady(request);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  EXPECT_EQ(sub->cluster_id, "shared-session");
  EXPECT_EQ(sub->job_id.size(), 32u);
  WaitForRunningJob(request);

  auto again = deployer_->Submit(request);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(again->existed);
  EXPECT_EQ(again->job_id, sub->job_id);
  EXPECT_EQ(JobsOn(request.namespace_, "shared-session"), 1u);

  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kKeep).ok());
  EXPECT_TRUE(WaitUntil([&] {
    auto o = deployer_->Observe(request);
    return o.ok() && o->job_state == "CANCELED";
  }));
  EXPECT_TRUE(client_->Get(k8s::types::Deployment(), request.namespace_, "shared-session").ok());
}

TEST_F(SessionTest, SqlRunsThroughTheRunnerOn1xAndTheSqlDriverOn2x) {
  std::string sql = CaseText("sql-1.20");
  sql.replace(sql.find("target: kubernetes-application"), 30,
              "target: kubernetes-session\n  sessionCluster: sql-session");
  DeploymentRequest one = Prepare(sql);
  auto sub = SubmitWhenReady(one);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  WaitForRunningJob(one);

  std::string sql2 = CaseText("sql-2.2");
  sql2.replace(sql2.find("target: kubernetes-application"), 30,
               "target: kubernetes-session\n  sessionCluster: sql-session-two");
  DeploymentRequest two = Prepare(sql2);
  auto sub2 = SubmitWhenReady(two);
  ASSERT_TRUE(sub2.ok()) << sub2.error().ToString();
  WaitForRunningJob(two);

  // Without the runner jar a 1.x SQL session job cannot go in, and says why.
  target_.sql_runner_jar.clear();
  auto d = NewDeployer(spec::Target::kKubernetesSession, {.name = "sim", .kubernetes = target_});
  ASSERT_TRUE(d.ok());
  DeploymentRequest other = one;
  other.job_id = "0000000000000000000000000000abcd";
  auto refused = (*d)->Submit(other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition) << refused.error().ToString();
}

}  // namespace
}  // namespace sluice::deploy
