// The operator target against sluice-sim with the operator's CRDs (reference/flink-operator)
// installed: every rendered resource passes the CRD schema with strict field validation
// (and a resource with an unknown field does not, so the check is real); a FlinkDeployment
// is applied, found again without a twin, reaches RUNNING; a changed spec is refused unless
// updated in place; a savepoint through savepointTriggerNonce; suspend through job.state;
// a FlinkSessionJob on a session FlinkDeployment; delete.
#include <gtest/gtest.h>

#include "deploy/operator.h"
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
using testing::LoadCase;
using testing::LoadCaseText;
using testing::RequestFor;

using testing::kLong;

class OperatorTest : public testing::SimDeployTest {
 public:
  static void SetUpTestSuite() { StartSuiteSim({.operator_crds = true}); }

 protected:
  OperatorTest() : SimDeployTest(spec::Target::kOperator) {}

  DeploymentRequest Prepare(const spec::JobSpec& job) {
    DeploymentRequest request = RequestFor(job);
    auto report = Preflight(*client_, request, spec::Target::kOperator, {.setup = true});
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    if (report.ok()) {
      EXPECT_TRUE(report->ok()) << report->Message();
    }
    return request;
  }

  Observation WaitForPhase(const DeploymentRequest& request, const std::string& phase) {
    bool reached = false;
    Observation last = ObserveUntil(
        request, [&](const Observation& o) { return o.phase == phase; }, &reached);
    EXPECT_TRUE(reached) << "wanted " << phase << ", last " << last.phase << " (" << last.reason
                         << ") " << last.details.dump();
    return last;
  }

  k8s::ResourceType Type(const std::string& kind) {
    auto t = client_->ResolveKind(std::string(kOperatorApiVersion), kind);
    EXPECT_TRUE(t.ok()) << t.error().ToString();
    return t.ok() ? *t : k8s::ResourceType{};
  }
};

TEST_F(OperatorTest, RenderedResourcesPassTheCrdSchemaStrictly) {
  ASSERT_TRUE(Prepare(LoadCase("operator-1.20")).namespace_ == "flink-jobs");
  for (const std::string name :
       {"operator-1.20", "operator-sql-2.2", "operator-session-job-1.20"}) {
    SCOPED_TRACE(name);
    auto rendered = RenderOperator(RequestFor(LoadCase(name)));
    ASSERT_TRUE(rendered.ok()) << rendered.error().ToString();
    for (const auto& o : rendered->objects) {
      json obj = json::parse(o.dump());
      const k8s::ResourceType* builtin =
          k8s::BuiltinType(obj.value("apiVersion", ""), obj.value("kind", ""));
      k8s::ResourceType type = builtin ? *builtin : Type(obj.value("kind", ""));
      auto r = client_->Apply(
          type, obj["metadata"].value("namespace", ""), obj,
          {.field_manager = "schema-check", .dry_run = true, .field_validation = "Strict"});
      EXPECT_TRUE(r.ok()) << obj["kind"] << ": " << r.error().ToString();
    }
  }
  // The check can fail: an unknown field is refused, with the field's path.
  auto rendered = RenderOperator(RequestFor(LoadCase("operator-1.20")));
  ASSERT_TRUE(rendered.ok());
  json bad = json::parse(rendered->objects[0].dump());
  bad["spec"]["job"]["parallelismm"] = 2;
  auto refused = client_->Apply(
      Type("FlinkDeployment"), "flink-jobs", bad,
      {.field_manager = "schema-check", .dry_run = true, .field_validation = "Strict"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("parallelismm"), std::string::npos)
      << refused.error().message;
}

TEST_F(OperatorTest, FlinkDeploymentRunsIsFoundAgainSavepointsSuspendsAndGoes) {
  DeploymentRequest request = Prepare(LoadCase("operator-1.20"));
  auto sub = deployer_->Submit(request);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  EXPECT_FALSE(sub->existed);
  ASSERT_EQ(sub->objects.size(), 1u);
  EXPECT_EQ(sub->objects[0].kind, "FlinkDeployment");
  Observation running = WaitForPhase(request, "RUNNING");
  EXPECT_TRUE(running.matches_request);
  // The operator chooses the job id (the simulated one ignores $internal.pipeline.job-id);
  // Observe reports the one that runs.
  EXPECT_EQ(running.job_id.size(), 32u);

  auto again = deployer_->Submit(request);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(again->existed);
  auto all = client_->ListAll(Type("FlinkDeployment"), request.namespace_);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);

  std::string text = CaseText("operator-1.20");
  text.replace(text.find("parallelism: 2"), 14, "parallelism: 3");
  DeploymentRequest changed = RequestFor(LoadCaseText(text, "changed"));
  auto refused = deployer_->Submit(changed);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);

  auto savepoint =
      deployer_->TriggerSavepoint(request, {.trigger_id = "00000000000000000000000000000042"});
  ASSERT_TRUE(savepoint.ok()) << savepoint.error().ToString();
  OperationResult done;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto r = deployer_->Poll(request, *savepoint);
        if (r.ok()) done = *r;
        return r.ok() && r->completed;
      },
      kLong));
  EXPECT_TRUE(done.ok()) << done.failure;
  EXPECT_TRUE(done.location.starts_with("file:///tmp/savepoints/")) << done.location;

  auto stop = deployer_->Suspend(request, {});
  ASSERT_TRUE(stop.ok()) << stop.error().ToString();
  OperationResult stopped;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto r = deployer_->Poll(request, *stop);
        if (r.ok()) stopped = *r;
        return r.ok() && r->completed;
      },
      kLong));
  EXPECT_TRUE(stopped.ok()) << stopped.failure;
  EXPECT_FALSE(stopped.location.empty()) << "upgradeMode savepoint suspends with a savepoint";
  WaitForPhase(request, "SUSPENDED");

  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto o = deployer_->Observe(request);
        auto dep = client_->Get(k8s::types::Deployment(), request.namespace_, request.cluster_id);
        return o.ok() && o->phase == "ABSENT" && !dep.ok();
      },
      kLong));
}

TEST_F(OperatorTest, SqlOnFlink2ThroughTheOperatorRuns) {
  DeploymentRequest request = Prepare(LoadCase("operator-sql-2.2"));
  auto sub = deployer_->Submit(request);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  ASSERT_EQ(sub->objects.size(), 2u);
  EXPECT_EQ(sub->objects[1].kind, "ConfigMap");
  WaitForPhase(request, "RUNNING");
  auto cm = client_->Get(k8s::types::ConfigMap(), request.namespace_, "sluice-sql-op-sql");
  ASSERT_TRUE(cm.ok());
  EXPECT_EQ((*cm)["metadata"]["ownerReferences"][0]["uid"], sub->objects[0].uid);
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kWipe).ok());
}

TEST_F(OperatorTest, SessionJobRunsOnItsSessionDeployment) {
  DeploymentRequest request = Prepare(LoadCase("operator-session-job-1.20"));
  // The session FlinkDeployment the job names (a FlinkDeployment without a job).
  json session = {{"apiVersion", std::string(kOperatorApiVersion)},
                  {"kind", "FlinkDeployment"},
                  {"metadata", {{"name", "op-session"}, {"namespace", request.namespace_}}},
                  {"spec",
                   {{"image", "flink:1.20"},
                    {"flinkVersion", "v1_20"},
                    {"serviceAccount", "flink"},
                    {"jobManager", {{"resource", {{"cpu", 1}, {"memory", "1600m"}}}}},
                    {"taskManager", {{"resource", {{"cpu", 1}, {"memory", "1728m"}}}}}}}};
  ASSERT_TRUE(client_
                  ->Apply(Type("FlinkDeployment"), request.namespace_, session,
                          {.field_manager = "test", .field_validation = "Strict"})
                  .ok());
  auto sub = deployer_->Submit(request);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  EXPECT_EQ(sub->objects[0].kind, "FlinkSessionJob");
  EXPECT_NE(sub->web_interface_url.find("op-session-rest"), std::string::npos);
  WaitForPhase(request, "RUNNING");
  auto again = deployer_->Submit(request);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->existed);
  ASSERT_TRUE(deployer_->Delete(request, HaMetadata::kKeep).ok());
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto o = deployer_->Observe(request);
        return o.ok() && o->phase == "ABSENT";
      },
      kLong));
  // The session cluster stays.
  EXPECT_TRUE(client_->Get(Type("FlinkDeployment"), request.namespace_, "op-session").ok());
}

}  // namespace
}  // namespace sluice::deploy
