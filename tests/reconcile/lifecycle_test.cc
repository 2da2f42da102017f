// The reconciler against the in-process simulator and a real SQLite store: jobs go from
// submit to RUNNING, savepoints on demand, suspend and resume from the stop savepoint,
// cancel and delete, upgrades in each mode, restarts by policy and a failed upgrade rolled
// back. Every test drives the job by calling Reconcile in a loop, as the controller would.
#include "common/fs.h"
#include "common/ids.h"
#include "sim/flink_cluster.h"
#include "sim/test_support.h"
#include "spec/names.h"
#include "support.h"

namespace sluice::reconcile::testing {
namespace {

using json = nlohmann::json;
constexpr const char* kNs = "lifecycle";

class LifecycleTest : public SimTest {};

int64_t Version(const store::Job& j) {
  return json::parse(j.status_json).value("deployedVersion", int64_t{0});
}

TEST_F(LifecycleTest, JarJobGoesFromSubmitToRunningWithStatusAndEvents) {
  int64_t id = Create(SpecText("jar", "jar-run"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  json st = Status(id);
  EXPECT_EQ(st["clusterId"], "jar-run");
  EXPECT_EQ(st["deployedVersion"], 1);
  EXPECT_EQ(st["flinkJobState"], "RUNNING");
  EXPECT_EQ(st["flinkJobId"].get<std::string>().size(), 32u);
  EXPECT_NE(st["webUrl"].get<std::string>().find("jar-run-rest"), std::string::npos);
  EXPECT_TRUE(st["step"].is_null());
  EXPECT_EQ(st["observedRevision"], Job(id).revision);
  // DRAFT -> DEPLOYING -> RUNNING, each an event by the reconciler.
  std::vector<std::pair<std::string, std::string>> transitions;
  for (const auto& e : Events(id)) {
    if (e.type != "state") continue;
    EXPECT_EQ(e.actor, "reconciler");
    EXPECT_GT(e.time, 0);
    transitions.emplace_back(e.from_state, e.to_state);
  }
  ASSERT_GE(transitions.size(), 2u);
  EXPECT_EQ(transitions.front(), std::make_pair(std::string("DRAFT"), std::string("DEPLOYING")));
  EXPECT_EQ(transitions.back(), std::make_pair(std::string("DEPLOYING"), std::string("RUNNING")));
  EXPECT_EQ(Deployments(kNs, "jar-run"), 1);
  // Steady state: further passes change nothing and create nothing.
  int64_t version = Job(id).status_version;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(reconciler_->Reconcile(id).ok());
  EXPECT_EQ(Job(id).status_version, version);
  EXPECT_EQ(Deployments(kNs, "jar-run"), 1);
}

TEST_F(LifecycleTest, SqlJobGoesFromSubmitToRunning) {
  int64_t id = Create(SpecText("sql", "sql-run"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  EXPECT_EQ(Status(id)["flinkJobState"], "RUNNING");
  EXPECT_EQ(Deployments(kNs, "sql-run"), 1);
}

TEST_F(LifecycleTest, SavepointOnDemandIsTrackedToCompletion) {
  int64_t id = Create(SpecText("jar", "jar-savepoint"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  auto row = store_->CreateSavepoint({.job_id = id,
                                      .trigger = "manual",
                                      .state = "REQUESTED",
                                      .requested_by = "alice",
                                      .spec_version = 1,
                                      .trigger_id = RandomHex(16)});
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(Until(id, [&](const store::Job&) {
    auto s = store_->GetSavepoint(row->id);
    return s.ok() && (s->state == "COMPLETED" || s->state == "FAILED");
  }));
  auto done = store_->GetSavepoint(row->id);
  EXPECT_EQ(done->state, "COMPLETED") << done->error;
  EXPECT_TRUE(done->path.starts_with("file:///tmp/lifecycle/savepoints/savepoint-")) << done->path;
  EXPECT_EQ(done->cluster_id, "jar-savepoint");
  EXPECT_EQ(done->flink_job_id, Status(id)["flinkJobId"]);
  EXPECT_GT(done->completed_at, 0);
  EXPECT_EQ(Status(id)["lastSavepoint"], done->path);
  // The size, from the checkpoint statistics' entry of the same savepoint.
  EXPECT_GT(done->size_bytes, 0);
  EXPECT_EQ(done->size_bytes, SimSavepointSize(kNs, "jar-savepoint", done->path));
  EXPECT_TRUE(HasEvent(id, "savepoint-completed"));
  EXPECT_EQ(Job(id).state, "RUNNING");
}

TEST_F(LifecycleTest, SuspendStopsWithSavepointAndResumeRestoresFromIt) {
  int64_t id = Create(SpecText("jar", "jar-suspend"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  SetIntent(id, [](store::Job& j) { j.desired_state = "SUSPENDED"; });
  ASSERT_TRUE(UntilState(id, "SUSPENDED"));
  EXPECT_EQ(Deployments(kNs, "jar-suspend"), 0);
  auto rows = Savepoints(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].trigger, "stop");
  EXPECT_EQ(rows[0].state, "COMPLETED");
  EXPECT_GT(rows[0].size_bytes, 0);
  std::string path = rows[0].path;
  ASSERT_FALSE(path.empty());

  SetIntent(id, [](store::Job& j) { j.desired_state = "RUNNING"; });
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  EXPECT_EQ(RestoredFrom(kNs, "jar-suspend"), path);
  EXPECT_EQ(Status(id)["deployedRestorePath"], path);
  EXPECT_EQ(Deployments(kNs, "jar-suspend"), 1);
}

TEST_F(LifecycleTest, StopOfAnApplicationClusterThatRemovesItselfIsASuccess) {
  // A spec that asks for Flink's own default, execution.shutdown-on-application-finish:
  // true (Sluice renders false otherwise): after the stop the cluster deletes its own
  // Deployment. No pass runs between the trigger and the cluster's exit, so the stop's
  // result is never read: the job is still SUSPENDED, and the savepoint row says where to
  // look instead of claiming a path.
  int64_t id = Create(SpecText("jar", "jar-selfremove",
                               {{"    execution.shutdown-on-application-finish: 'false'\n",
                                 "    execution.shutdown-on-application-finish: 'true'\n"}}));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  SetIntent(id, [](store::Job& j) { j.desired_state = "SUSPENDED"; });
  ASSERT_TRUE(Until(id, [](const store::Job& j) {
    json step = json::parse(j.status_json)["step"];
    return step.is_object() && step["kind"] == "stop" && step["phase"] == "poll";
  }));
  ASSERT_TRUE(sim::testing::Eventually([&] { return Deployments(kNs, "jar-selfremove") == 0; }));
  ASSERT_TRUE(UntilState(id, "SUSPENDED"));
  auto rows = Savepoints(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].trigger, "stop");
  EXPECT_EQ(rows[0].state, "FAILED");
  EXPECT_NE(rows[0].error.find("removed itself"), std::string::npos) << rows[0].error;
  EXPECT_NE(rows[0].error.find("file:///tmp/lifecycle/savepoints"), std::string::npos);

  SetIntent(id, [](store::Job& j) { j.desired_state = "RUNNING"; });
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  EXPECT_EQ(Deployments(kNs, "jar-selfremove"), 1);
}

TEST_F(LifecycleTest, SessionJobRunsSuspendsAndResumesInTheSharedCluster) {
  // The first submit creates the session cluster and finds its JobManager not answering
  // yet; later passes submit the job. Suspending stops the job, never the shared cluster.
  std::string jar = (dir_.path() / "top-speed.jar").string();
  ASSERT_TRUE(WriteFileAtomic(jar, "PK fake job jar").ok());
  int64_t id = Create(
      SpecText("session", "session-job",
               {{"local:///opt/flink/examples/streaming/TopSpeedWindowing.jar", "file://" + jar}}));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  EXPECT_EQ(Deployments(kNs, "shared-session"), 1);
  SetIntent(id, [](store::Job& j) { j.desired_state = "SUSPENDED"; });
  ASSERT_TRUE(UntilState(id, "SUSPENDED"));
  EXPECT_EQ(Deployments(kNs, "shared-session"), 1);
  auto rows = Savepoints(id);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].state, "COMPLETED") << rows[0].error;

  SetIntent(id, [](store::Job& j) { j.desired_state = "RUNNING"; });
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  EXPECT_EQ(RestoredFrom(kNs, "shared-session"), rows[0].path);
  EXPECT_EQ(Deployments(kNs, "shared-session"), 1);
}

TEST_F(LifecycleTest, CancelWithoutSavepointThenDelete) {
  int64_t id = Create(SpecText("jar", "jar-cancel"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  SetIntent(id, [](store::Job& j) {
    j.desired_state = "CANCELED";
    j.stop_with_savepoint = false;
  });
  ASSERT_TRUE(UntilState(id, "CANCELED"));
  EXPECT_EQ(Deployments(kNs, "jar-cancel"), 0);
  EXPECT_TRUE(Savepoints(id).empty());
  EXPECT_TRUE(HasEvent(id, "cancel"));

  SetIntent(id, [](store::Job& j) { j.desired_state = "DELETED"; });
  auto pass = reconciler_->Reconcile(id);
  ASSERT_TRUE(pass.ok()) << pass.error().ToString();
  EXPECT_TRUE(pass->forget);
  EXPECT_NE(Job(id).deleted_at, 0);
  EXPECT_TRUE(HasEvent(id, "deleted"));
}

TEST_F(LifecycleTest, DeleteOfARunningJobStopsWithSavepointAndKeepsTheRecord) {
  int64_t id = Create(SpecText("jar", "jar-delete"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  SetIntent(id, [](store::Job& j) { j.desired_state = "DELETED"; });
  ASSERT_TRUE(Until(id, [](const store::Job& j) { return j.deleted_at != 0; }));
  EXPECT_EQ(Deployments(kNs, "jar-delete"), 0);
  auto rows = Savepoints(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].trigger, "delete");
  EXPECT_EQ(rows[0].state, "COMPLETED");
}

std::string Reason(const store::Job& j) {
  return json::parse(j.status_json).value("reason", "");
}

TEST_F(LifecycleTest, SilentJobManagerIsCalledLostAfterTheGracePeriodNotFailed) {
  ReconcilerOptions o = Options();
  o.grace = std::chrono::milliseconds(300);
  reconciler_ = NewReconciler(o);
  int64_t id = Create(SpecText("jar", "jar-silent"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  sim::FaultRule rule;
  rule.path_pattern = "services/jar-silent-rest.*proxy";
  rule.remaining = -1;
  rule.status = 503;
  rule.message = "connection refused";
  sim_->faults().Add(rule);
  ASSERT_TRUE(Until(id, [](const store::Job& j) {
    return Reason(j).find("does not answer") != std::string::npos;
  })) << Job(id).status_json;
  EXPECT_EQ(Job(id).state, "RUNNING");
  ASSERT_TRUE(Until(id, [](const store::Job& j) { return Reason(j).starts_with("lost: "); }))
      << Job(id).status_json;
  EXPECT_EQ(Job(id).state, "RUNNING");
  EXPECT_TRUE(HasEvent(id, "lost"));

  sim_->faults().Clear();
  ASSERT_TRUE(Until(id, [](const store::Job& j) { return Reason(j) == "the job runs"; }))
      << Job(id).status_json;
  EXPECT_TRUE(HasEvent(id, "answering"));
  EXPECT_EQ(Deployments(kNs, "jar-silent"), 1);
}

TEST_F(LifecycleTest, ApiServerErrorsAreReportedAndDuplicateNothing) {
  // Creates fail for a while: the deploy step is repeated until it goes through, and one
  // cluster results.
  sim::FaultRule create;
  create.method = "POST";
  create.path_pattern = "namespaces/lifecycle/deployments";
  create.remaining = 6;
  sim_->faults().Add(create);
  int64_t id = Create(SpecText("jar", "jar-faults"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  EXPECT_EQ(Deployments(kNs, "jar-faults"), 1);

  // Every read of the cluster fails: the state stays, the reason says why.
  sim::FaultRule reads;
  reads.method = "GET";
  reads.path_pattern = "deployments/jar-faults";
  reads.remaining = -1;
  sim_->faults().Add(reads);
  ASSERT_TRUE(Until(id, [](const store::Job& j) {
    return Reason(j).find("the cluster does not answer") != std::string::npos;
  })) << Job(id).status_json;
  EXPECT_EQ(Job(id).state, "RUNNING");
  sim_->faults().Clear();
  ASSERT_TRUE(Until(id, [](const store::Job& j) { return Reason(j) == "the job runs"; }));
  EXPECT_EQ(Deployments(kNs, "jar-faults"), 1);
}

TEST_F(LifecycleTest, AnUnreachableTargetIsInTheReasonAndNothingIsCalled) {
  Reconciler r(
      *store_,
      [](const store::Job&, const spec::JobSpec&) -> Result<std::unique_ptr<deploy::Deployer>> {
        return FailedPrecondition("cluster \"prod\" is not registered");
      },
      Options());
  int64_t id = Create(SpecText("jar", "jar-unreachable"));
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(r.Reconcile(id).ok());
  EXPECT_EQ(Job(id).state, "DEPLOYING");
  EXPECT_NE(
      Reason(Job(id)).find("cannot reach the job's target: cluster \"prod\" is not registered"),
      std::string::npos)
      << Job(id).status_json;
  EXPECT_EQ(Deployments(kNs, "jar-unreachable"), 0);
  // Once the target resolves, the stored deploy step goes on.
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  EXPECT_EQ(Deployments(kNs, "jar-unreachable"), 1);
}

class UpgradeTest : public SimTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(UpgradeTest, NewVersionRunsInTheSameClusterId) {
  std::string mode = GetParam();
  std::string name = "up-" + mode;
  Edits v1 = {{"upgradeMode: savepoint", "upgradeMode: " + mode}};
  if (mode == "last-state") {  // needs Flink's HA, which keeps the latest checkpoint
    v1.push_back({"    restart-strategy.type: none",
                  "    restart-strategy.type: none\n"
                  "    high-availability.type: kubernetes\n"
                  "    high-availability.storageDir: file:///tmp/lifecycle/ha"});
  }
  int64_t id = Create(SpecText("jar", name, v1));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  Edits v2 = v1;
  v2.push_back({"parallelism: 1", "parallelism: 2"});
  AddVersion(id, SpecText("jar", name, v2));
  ASSERT_TRUE(UntilState(id, "RUNNING", 2));
  EXPECT_EQ(Deployments(kNs, name), 1);
  EXPECT_TRUE(HasEvent(id, "upgraded"));
  bool upgrading = false;
  for (const auto& e : Events(id))
    upgrading |= e.type == "state" && e.to_state == "UPGRADING";
  EXPECT_TRUE(upgrading);
  auto rows = Savepoints(id);
  std::string restored = RestoredFrom(kNs, name);
  if (mode == "savepoint") {
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].trigger, "upgrade");
    EXPECT_EQ(rows[0].state, "COMPLETED");
    EXPECT_EQ(restored, rows[0].path);
  } else {
    EXPECT_TRUE(rows.empty());
    if (mode == "stateless") {
      EXPECT_EQ(restored, "");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, UpgradeTest,
                         ::testing::Values("stateless", "savepoint", "last-state"));

TEST_F(LifecycleTest, RestartBumpRedeploysTheSameVersion) {
  int64_t id = Create(SpecText("jar", "jar-restart"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  std::string before = Status(id)["flinkJobId"];
  SetIntent(id, [](store::Job& j) { j.restart_nonce += 1; });
  ASSERT_TRUE(Until(id, [&](const store::Job& j) {
    json s = json::parse(j.status_json);
    return j.state == "RUNNING" && s.value("deployedRestartNonce", 0) == 1;
  })) << Job(id).status_json;
  EXPECT_NE(Status(id)["flinkJobId"], before);
  EXPECT_EQ(Deployments(kNs, "jar-restart"), 1);
}

TEST_F(LifecycleTest, FailedJobIsRestartedByPolicyThenGivesUpAtTheLimit) {
  int64_t id = Create(SpecText("jar", "jar-fail"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  auto fail = [&] {
    auto cluster = sim_->flink().Find(kNs, "jar-fail");
    ASSERT_NE(cluster, nullptr);
    ASSERT_TRUE(cluster->FailJob("", "java.lang.IllegalStateException: boom"));
  };
  fail();
  ASSERT_TRUE(UntilState(id, "FAILED"));
  ASSERT_TRUE(Until(id, [](const store::Job& j) {
    return j.state == "RUNNING" && json::parse(j.status_json)["restartTimes"].size() == 1u;
  })) << Job(id).status_json;
  EXPECT_TRUE(HasEvent(id, "restart"));
  EXPECT_EQ(Deployments(kNs, "jar-fail"), 1);

  // maxRestarts 1 within the hour: the second failure stays FAILED with the reason.
  fail();
  ASSERT_TRUE(Until(id, [](const store::Job& j) {
    return j.state == "FAILED" && json::parse(j.status_json).value("gaveUp", false);
  })) << Job(id).status_json;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(reconciler_->Reconcile(id).ok());
  store::Job job = Job(id);
  EXPECT_EQ(job.state, "FAILED");
  EXPECT_NE(json::parse(job.status_json)["reason"].get<std::string>().find("restart limit"),
            std::string::npos);
  EXPECT_TRUE(HasEvent(id, "gave-up"));
}

TEST_F(LifecycleTest, FailingUpgradeRollsBackToTheLastVersionWithItsState) {
  int64_t id = Create(SpecText("jar", "jar-rollback"));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  AddVersion(id, SpecText("jar", "jar-rollback",
                          {{"image: flink:1.20", "image: flink:1.20-does-not-exist"}}));
  ASSERT_TRUE(Until(id, [](const store::Job& j) {
    json s = json::parse(j.status_json);
    return j.state == "RUNNING" && s.value("deployedVersion", 0) == 1 &&
           s.value("failedVersion", 0) == 2;
  })) << Job(id).status_json;
  EXPECT_TRUE(HasEvent(id, "rollback"));
  EXPECT_TRUE(HasEvent(id, "rolled-back"));
  auto rows = Savepoints(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].trigger, "upgrade");
  EXPECT_EQ(RestoredFrom(kNs, "jar-rollback"), rows[0].path);
  EXPECT_EQ(Deployments(kNs, "jar-rollback"), 1);
  // The failed version is not retried until the intent changes.
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(reconciler_->Reconcile(id).ok());
  EXPECT_EQ(Version(Job(id)), 1);
  EXPECT_EQ(Job(id).state, "RUNNING");
}

TEST_F(LifecycleTest, ScheduledSavepointsAreTakenAndRetentionDisposesAllButTheLastN) {
  int64_t id =
      Create(SpecText("jar", "jar-schedule",
                      {{"  restartPolicy:",
                        "  savepointSchedule: {interval: 300 ms, retain: 2}\n  restartPolicy:"}}));
  ASSERT_TRUE(UntilState(id, "RUNNING"));
  // Disposed through the JobManager one at a time while new ones keep coming.
  ASSERT_TRUE(Until(id, [&](const store::Job&) {
    int completed = 0, disposed = 0;
    for (const auto& r : Savepoints(id)) {
      completed += r.state == "COMPLETED";
      disposed += r.state == "DISPOSED";
    }
    return disposed >= 2 && completed <= 3;
  })) << last_;
  for (const auto& r : Savepoints(id)) {
    EXPECT_EQ(r.trigger, "schedule");
    EXPECT_EQ(r.error, "") << r.path;
    // DISPOSED only once Flink deleted it; the others are still there.
    if (r.state == "DISPOSED") {
      EXPECT_FALSE(sim_->savepoints().Find(r.path).has_value()) << r.path;
    }
    if (r.state == "COMPLETED") {
      EXPECT_TRUE(sim_->savepoints().Find(r.path).has_value()) << r.path;
    }
  }
  EXPECT_TRUE(HasEvent(id, "savepoint-disposed"));
}

}  // namespace
}  // namespace sluice::reconcile::testing
