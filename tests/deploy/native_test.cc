// kubernetes-application against a sluice-sim process: objects accepted by the API
// server, the job reaching RUNNING, a repeated submit finding the deployment (no twin), a
// changed spec refused, savepoint and stop through the JobManager's REST API, SQL jobs on
// Flink 1.x (runner statements) and 2.x (SqlDriver), a bad image reported from pod status,
// transient API failures retried, and deletion removing every object.
#include <gtest/gtest.h>

#include "deploy/preflight.h"
#include "k8s/client.h"
#include "k8s/errors.h"
#include "k8s/resource.h"
#include "k8s/sim_process.h"
#include "support.h"

namespace sluice::deploy {
namespace {

using nlohmann::json;
using sluice::testing::WaitUntil;
using testing::CaseText;
using testing::LoadCaseText;
using testing::RequestFor;
namespace types = k8s::types;

using testing::kLong;

class NativeApplicationTest : public testing::SimDeployTest {
 protected:
  NativeApplicationTest() : SimDeployTest(spec::Target::kKubernetesApplication) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SimDeployTest::SetUp());
    sim_->ClearFaults();
  }

  // The case's spec with its text edited (`from` -> `to`, in order), its namespace
  // prepared as `sluice preflight --setup` does.
  DeploymentRequest Prepare(const std::string& name,
                            std::vector<std::pair<std::string, std::string>> edits = {}) {
    std::string text = CaseText(name);
    for (const auto& [from, to] : edits) {
      size_t at = text.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      if (at != std::string::npos) text.replace(at, from.size(), to);
    }
    DeploymentRequest request = RequestFor(LoadCaseText(text, name));
    auto report =
        Preflight(*client_, request, spec::Target::kKubernetesApplication, {.setup = true});
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    if (report.ok()) {
      EXPECT_TRUE(report->ok()) << report->Message();
    }
    return request;
  }

  // Waits until the JobManager answers and the request's job runs.
  Observation WaitForRunningJob(const DeploymentRequest& request) {
    bool running = false;
    Observation last = ObserveUntil(
        request,
        [](const Observation& o) { return o.phase == "RUNNING" && o.job_state == "RUNNING"; },
        &running);
    EXPECT_TRUE(running) << "phase " << last.phase << " (" << last.reason << "), job "
                         << last.job_state;
    return last;
  }

  std::vector<json> Labelled(const k8s::ResourceType& type, const DeploymentRequest& r) {
    auto items = client_->ListAll(type, r.namespace_, {.label_selector = "app=" + r.cluster_id});
    EXPECT_TRUE(items.ok()) << items.error().ToString();
    return items.ok() ? *items : std::vector<json>{};
  }

  OperationResult PollUntilDone(const DeploymentRequest& request, const Operation& op) {
    OperationResult result;
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto r = deployer_->Poll(request, op);
          if (r.ok()) result = *r;
          return r.ok() && r->completed;
        },
        kLong));
    return result;
  }
};

TEST_F(NativeApplicationTest, SeedReachesRunningAndASecondSubmitFindsIt) {
  DeploymentRequest request = Prepare("seed-1.17", {{"apache/flink:v0.1", "apache/flink:1.17"}});
  auto first = deployer_->Submit(request);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_FALSE(first->existed);
  ASSERT_EQ(first->objects.size(), 4u);
  EXPECT_EQ(first->objects[0].kind, "Deployment");
  EXPECT_NE(first->web_interface_url.find("my-first-application-cluster-rest"), std::string::npos);

  Observation running = WaitForRunningJob(request);
  EXPECT_TRUE(running.matches_request);
  EXPECT_EQ(running.job_id, request.job_id);

  auto again = deployer_->Submit(request);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(again->existed);
  EXPECT_EQ(again->job_id, first->job_id);

  // One of each, owned by the one Deployment with the uid the API server gave it.
  auto deployments = Labelled(types::Deployment(), request);
  ASSERT_EQ(deployments.size(), 1u);
  std::string uid = deployments[0]["metadata"]["uid"];
  auto services = Labelled(types::Service(), request);
  EXPECT_EQ(services.size(), 2u);
  auto configmaps = Labelled(types::ConfigMap(), request);
  ASSERT_EQ(configmaps.size(), 1u);
  EXPECT_TRUE(configmaps[0]["data"].contains("flink-conf.yaml"));
  for (const auto& o : services) {
    EXPECT_EQ(o["metadata"]["ownerReferences"][0]["uid"], uid) << o["metadata"]["name"];
  }
  EXPECT_EQ(configmaps[0]["metadata"]["ownerReferences"][0]["uid"], uid);
  for (const auto& s : services) {
    if (s["metadata"]["name"] == request.cluster_id + "-rest") {
      EXPECT_EQ(s["spec"]["type"], "NodePort");
    }
  }
  // The JobManager made TaskManagers: its service account had the rights preflight gave.
  bool taskmanagers = WaitUntil([&] {
    for (const auto& p : Labelled(types::Pod(), request)) {
      if (p["metadata"]["labels"].value("component", "") == "taskmanager") return true;
    }
    return false;
  });
  EXPECT_TRUE(taskmanagers);
}

TEST_F(NativeApplicationTest, AChangedSpecIsRefusedNotTwinned) {
  DeploymentRequest request = Prepare("lifecycle-1.20", {{"name: lifecycle", "name: changed"}});
  ASSERT_TRUE(deployer_->Submit(request).ok());
  DeploymentRequest other = Prepare("lifecycle-1.20", {{"name: lifecycle", "name: changed"},
                                                       {"parallelism: 2", "parallelism: 3"}});
  EXPECT_EQ(other.cluster_id, request.cluster_id);
  auto refused = deployer_->Submit(other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(refused.error().message.find("spec hash"), std::string::npos)
      << refused.error().message;
  auto observed = deployer_->Observe(other);
  ASSERT_TRUE(observed.ok());
  EXPECT_TRUE(observed->exists);
  EXPECT_FALSE(observed->matches_request);
  EXPECT_EQ(Labelled(types::Deployment(), request).size(), 1u);
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
}

TEST_F(NativeApplicationTest, SavepointStopAndDeleteThroughRest) {
  DeploymentRequest request = Prepare("lifecycle-1.20");
  ASSERT_TRUE(deployer_->Submit(request).ok());
  WaitForRunningJob(request);

  SavepointOptions options{.trigger_id = "0123456789abcdef0123456789abcdef"};
  auto savepoint = deployer_->TriggerSavepoint(request, options);
  ASSERT_TRUE(savepoint.ok()) << savepoint.error().ToString();
  EXPECT_EQ(savepoint->trigger_id, options.trigger_id);
  EXPECT_EQ(savepoint->job_id, request.job_id);
  // The same trigger id again is the same savepoint, not a second one.
  auto repeated = deployer_->TriggerSavepoint(request, options);
  ASSERT_TRUE(repeated.ok()) << repeated.error().ToString();
  OperationResult done = PollUntilDone(request, *savepoint);
  EXPECT_TRUE(done.ok()) << done.failure;
  EXPECT_TRUE(done.location.starts_with("file:///tmp/lifecycle/savepoints/savepoint-"))
      << done.location;

  auto stop = deployer_->Suspend(request, {.trigger_id = "fedcba9876543210fedcba9876543210"});
  ASSERT_TRUE(stop.ok()) << stop.error().ToString();
  EXPECT_EQ(stop->kind, "stop");
  OperationResult stopped = PollUntilDone(request, *stop);
  EXPECT_TRUE(stopped.ok()) << stopped.failure;
  EXPECT_NE(stopped.location, done.location);
  EXPECT_TRUE(WaitUntil([&] {
    auto o = deployer_->Observe(request);
    return o.ok() && o->job_state == "FINISHED";
  }));

  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
  bool gone = WaitUntil(
      [&] {
        for (const auto* type : {&types::Deployment(), &types::ReplicaSet(), &types::Service(),
                                 &types::ConfigMap(), &types::Pod()}) {
          if (!Labelled(*type, request).empty()) return false;
        }
        auto cm = client_->Get(types::ConfigMap(), request.namespace_,
                               "flink-config-" + request.cluster_id);
        return !cm.ok() && k8s::IsNotFound(cm.error());
      },
      kLong);
  EXPECT_TRUE(gone) << "objects of " << request.cluster_id << " left after Delete";
  auto observed = deployer_->Observe(request);
  ASSERT_TRUE(observed.ok());
  EXPECT_EQ(observed->phase, "ABSENT");
  EXPECT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok()) << "deleting what is gone";
}

TEST_F(NativeApplicationTest, SqlOnFlink1RunsTheRunnerFromItsStatementsFile) {
  DeploymentRequest request = Prepare("sql-1.20");
  auto sub = deployer_->Submit(request);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  EXPECT_EQ(sub->objects.size(), 5u);
  WaitForRunningJob(request);
  auto sql =
      client_->Get(types::ConfigMap(), request.namespace_, "sluice-sql-" + request.cluster_id);
  ASSERT_TRUE(sql.ok()) << sql.error().ToString();
  std::string statements = (*sql)["data"]["statements"];
  EXPECT_TRUE(statements.starts_with("-- sluice-statements v1\n"));
  auto conf =
      client_->Get(types::ConfigMap(), request.namespace_, "flink-config-" + request.cluster_id);
  ASSERT_TRUE(conf.ok());
  std::string text = (*conf)["data"]["config.yaml"];
  EXPECT_NE(text.find("dev.sluice.runner.SqlRunner"), std::string::npos);
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
}

TEST_F(NativeApplicationTest, SqlOnFlink2RunsFlinksSqlDriver) {
  DeploymentRequest request = Prepare("sql-2.2");
  auto sub = deployer_->Submit(request);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  WaitForRunningJob(request);
  auto conf =
      client_->Get(types::ConfigMap(), request.namespace_, "flink-config-" + request.cluster_id);
  ASSERT_TRUE(conf.ok());
  std::string text = (*conf)["data"]["config.yaml"];
  EXPECT_NE(text.find("org.apache.flink.table.runtime.application.SqlDriver"), std::string::npos);
  EXPECT_EQ(text.find("pipeline.jars"), std::string::npos);
  auto sql =
      client_->Get(types::ConfigMap(), request.namespace_, "sluice-sql-" + request.cluster_id);
  ASSERT_TRUE(sql.ok());
  EXPECT_TRUE((*sql)["data"].contains("script.sql"));
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
}

TEST_F(NativeApplicationTest, ABadImageIsReportedFromPodStatus) {
  DeploymentRequest request = Prepare(
      "lifecycle-1.20",
      {{"name: lifecycle", "name: bad-image-job"}, {"image: flink:1.20", "image: bad-image:1.20"}});
  ASSERT_TRUE(deployer_->Submit(request).ok());
  Observation last;
  bool reported = WaitUntil(
      [&] {
        auto o = deployer_->Observe(request);
        if (o.ok()) last = *o;
        return o.ok() && o->reason.find("ImagePull") != std::string::npos;
      },
      kLong);
  EXPECT_TRUE(reported) << last.phase << ": " << last.reason;
  EXPECT_NE(last.reason.find("bad-image:1.20"), std::string::npos) << last.reason;
  EXPECT_NE(last.phase, "RUNNING");
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
}

TEST_F(NativeApplicationTest, TransientApiFailuresAreRetried) {
  DeploymentRequest request = Prepare("lifecycle-1.20", {{"name: lifecycle", "name: flaky"}});
  sim_->FailNext("GET", "/apis/apps/v1/namespaces/lifecycle/deployments/flaky$", 2, 503);
  sim_->FailNext("PATCH", "/api/v1/namespaces/lifecycle/services/flaky-rest", 1, 500);
  auto sub = deployer_->Submit(request);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  // Every injected failure was met (and retried past).
  EXPECT_EQ(sim_->Admin("GET", "/sim/v1/faults")["faults"], json::array());
  EXPECT_EQ(Labelled(types::Deployment(), request).size(), 1u);
  EXPECT_EQ(Labelled(types::Service(), request).size(), 2u);
  sim_->ClearFaults();
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
}

}  // namespace
}  // namespace sluice::deploy
