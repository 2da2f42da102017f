// The Flink Kubernetes Operator's behaviour for FlinkDeployment and FlinkSessionJob,
// with the reference CRDs installed and the operator's own examples.
#include <gtest/gtest.h>

#include "sim/test_support.h"
#include "sim/yaml_json.h"

namespace sluice::sim::testing {
namespace {

std::string Ref(const std::string& rel) {
  return (sluice::testing::ReferenceDir() / "flink-operator" / rel).string();
}

class OperatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SimOptions o = FastOptions();
    o.crd_files = {Ref("flinkdeployments.flink.apache.org-v1.yml"),
                   Ref("flinksessionjobs.flink.apache.org-v1.yml")};
    sim_ = StartSim(o);
    c_ = std::make_unique<Client>(*sim_);
    ASSERT_EQ(c_->Post("/api/v1/namespaces", {{"metadata", {{"name", "op"}}}}).status, 201);
    ASSERT_EQ(c_->Post("/api/v1/namespaces/op/serviceaccounts", {{"metadata", {{"name", "flink"}}}})
                  .status,
              201);
    json crb = {
        {"metadata", {{"name", "flink-edit"}}},
        {"roleRef",
         {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
        {"subjects", {{{"kind", "ServiceAccount"}, {"name", "flink"}, {"namespace", "op"}}}}};
    ASSERT_EQ(c_->Post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", crb).status, 201);
  }

  std::vector<json> Example(const std::string& file) {
    auto docs = YamlDocumentsToJson(ReadText(Ref("examples/" + file)));
    if (!docs.ok()) throw std::runtime_error(docs.error().ToString());
    return *docs;
  }

  json Fd(const std::string& name) {
    return c_->Get("/apis/flink.apache.org/v1beta1/namespaces/op/flinkdeployments/" + name).body;
  }
  json Sj(const std::string& name) {
    return c_->Get("/apis/flink.apache.org/v1beta1/namespaces/op/flinksessionjobs/" + name).body;
  }

  bool WaitFd(const std::string& name, const std::function<bool(const json&)>& pred,
              json* last = nullptr) {
    json seen;
    bool ok = Eventually(
        [&] {
          seen = Fd(name);
          return seen.contains("status") && pred(seen["status"]);
        },
        std::chrono::seconds(15));
    if (last) *last = seen;
    if (!ok) ADD_FAILURE() << name << ": " << seen.value("status", json()).dump();
    return ok;
  }

  Reply PatchFd(const std::string& name, const json& patch) {
    return c_->Patch("/apis/flink.apache.org/v1beta1/namespaces/op/flinkdeployments/" + name,
                     "application/merge-patch+json", patch);
  }

  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<Client> c_;
};

TEST_F(OperatorTest, ApplicationDeploymentLifecycle) {
  json fd = Example("basic.yaml")[0];
  fd["spec"]["flinkConfiguration"]["state.savepoints.dir"] = "s3://bucket/savepoints";
  fd["spec"]["job"]["upgradeMode"] = "savepoint";
  auto created = c_->Post("/apis/flink.apache.org/v1beta1/namespaces/op/flinkdeployments", fd);
  ASSERT_EQ(created.status, 201) << created.raw;
  json seen;
  ASSERT_TRUE(WaitFd(
      "basic-example",
      [](const json& s) {
        return s.value("lifecycleState", "") == "STABLE" &&
               s["jobStatus"].value("state", "") == "RUNNING" &&
               s.value("jobManagerDeploymentStatus", "") == "READY";
      },
      &seen));
  const json& st = seen["status"];
  EXPECT_EQ(st["reconciliationStatus"]["state"], "DEPLOYED");
  EXPECT_EQ(st["observedGeneration"], seen["metadata"]["generation"]);
  EXPECT_EQ(
      json::parse(
          st["reconciliationStatus"]["lastStableSpec"].get<std::string>())["job"]["parallelism"],
      2);
  EXPECT_EQ(st["clusterInfo"]["flink-version"], "2.2.1");
  EXPECT_EQ(st["taskManager"]["replicas"], 1) << "parallelism 2 with 2 slots";
  // The native objects underneath, owned by the resource.
  json d = c_->Get("/apis/apps/v1/namespaces/op/deployments/basic-example").body;
  EXPECT_EQ(d["metadata"]["ownerReferences"][0]["kind"], "FlinkDeployment");
  EXPECT_FALSE(d["metadata"]["ownerReferences"][0]["controller"].get<bool>());
  std::string jid = st["jobStatus"]["jobId"];

  // A manual savepoint through savepointTriggerNonce.
  ASSERT_EQ(PatchFd("basic-example", {{"spec", {{"job", {{"savepointTriggerNonce", 7}}}}}}).status,
            200);
  ASSERT_TRUE(WaitFd(
      "basic-example",
      [](const json& s) {
        return s["jobStatus"].value("savepointInfo", json::object()).contains("lastSavepoint");
      },
      &seen));
  json last = seen["status"]["jobStatus"]["savepointInfo"]["lastSavepoint"];
  EXPECT_EQ(last["triggerType"], "MANUAL");
  EXPECT_EQ(last["triggerNonce"], 7);
  EXPECT_EQ(last["location"].get<std::string>().rfind("s3://bucket/savepoints/savepoint-", 0), 0u);

  // Suspend with upgradeMode savepoint: stop-with-savepoint, the cluster goes.
  ASSERT_EQ(PatchFd("basic-example", {{"spec", {{"job", {{"state", "suspended"}}}}}}).status, 200);
  ASSERT_TRUE(WaitFd(
      "basic-example", [](const json& s) { return s.value("lifecycleState", "") == "SUSPENDED"; },
      &seen));
  std::string upgrade_path = seen["status"]["jobStatus"].value("upgradeSavepointPath", "");
  EXPECT_FALSE(upgrade_path.empty());
  EXPECT_EQ(seen["status"]["jobStatus"]["savepointInfo"]["lastSavepoint"]["triggerType"],
            "UPGRADE");
  EXPECT_EQ(seen["status"]["jobManagerDeploymentStatus"], "MISSING");
  EXPECT_EQ(c_->Get("/apis/apps/v1/namespaces/op/deployments/basic-example").status, 404);

  // Resume: the job comes back from the upgrade savepoint.
  ASSERT_EQ(PatchFd("basic-example", {{"spec", {{"job", {{"state", "running"}}}}}}).status, 200);
  ASSERT_TRUE(WaitFd(
      "basic-example",
      [](const json& s) {
        return s.value("lifecycleState", "") == "STABLE" &&
               s["jobStatus"].value("state", "") == "RUNNING";
      },
      &seen));
  std::string jid2 = seen["status"]["jobStatus"]["jobId"];
  auto cps = c_->Get("/api/v1/namespaces/op/services/basic-example-rest:rest/proxy/jobs/" + jid2 +
                     "/checkpoints");
  EXPECT_EQ(cps.body["latest"]["restored"]["external_path"], upgrade_path);

  // An upgrade (new parallelism) goes through UPGRADING and redeploys.
  ASSERT_EQ(PatchFd("basic-example", {{"spec", {{"job", {{"parallelism", 4}}}}}}).status, 200);
  ASSERT_TRUE(WaitFd("basic-example", [](const json& s) {
    return s.value("lifecycleState", "") == "STABLE" &&
           s.value("taskManager", json::object()).value("replicas", 0) == 2;
  }));

  // Deletion: DELETING, then the resource and its cluster are gone.
  ASSERT_EQ(
      c_->Delete("/apis/flink.apache.org/v1beta1/namespaces/op/flinkdeployments/basic-example")
          .status,
      200);
  EXPECT_TRUE(Eventually([&] {
    return c_->Get("/apis/flink.apache.org/v1beta1/namespaces/op/flinkdeployments/basic-example")
                   .status == 404 &&
           c_->Get("/apis/apps/v1/namespaces/op/deployments/basic-example").status == 404;
  }));
  (void)jid;
}

TEST_F(OperatorTest, SessionDeploymentAndJobs) {
  auto docs = Example("basic-session-deployment-and-job.yaml");
  ASSERT_EQ(docs.size(), 3u);
  ASSERT_EQ(
      c_->Post("/apis/flink.apache.org/v1beta1/namespaces/op/flinkdeployments", docs[0]).status,
      201);
  for (size_t i = 1; i < docs.size(); ++i) {
    auto r = c_->Post("/apis/flink.apache.org/v1beta1/namespaces/op/flinksessionjobs", docs[i]);
    ASSERT_EQ(r.status, 201) << r.raw;
  }
  ASSERT_TRUE(WaitFd("basic-session-deployment-example",
                     [](const json& s) { return s.value("lifecycleState", "") == "STABLE"; }));
  for (const std::string name : {"basic-session-job-example", "basic-session-job-example2"}) {
    json seen;
    EXPECT_TRUE(Eventually(
        [&] {
          seen = Sj(name);
          return seen["status"].value("lifecycleState", "") == "STABLE" &&
                 seen["status"]["jobStatus"].value("state", "") == "RUNNING";
        },
        std::chrono::seconds(15)))
        << seen.dump();
  }
  auto overview = c_->Get(
      "/api/v1/namespaces/op/services/basic-session-deployment-example-rest:rest/proxy/overview");
  EXPECT_EQ(overview.body["jobs-running"], 2);
  EXPECT_EQ(overview.body["taskmanagers"], 6) << "parallelism 4 + 2 with one slot each";
  // Suspending a session job (stateless) cancels it.
  auto p = c_->Patch(
      "/apis/flink.apache.org/v1beta1/namespaces/op/flinksessionjobs/basic-session-job-example2",
      "application/merge-patch+json", {{"spec", {{"job", {{"state", "suspended"}}}}}});
  ASSERT_EQ(p.status, 200);
  EXPECT_TRUE(Eventually([&] {
    return Sj("basic-session-job-example2")["status"].value("lifecycleState", "") == "SUSPENDED";
  }));
}

TEST_F(OperatorTest, ValidationErrorsLandInStatus) {
  json fd = Example("basic.yaml")[0];
  fd["metadata"]["name"] = "no-version";
  fd["spec"].erase("flinkVersion");
  ASSERT_EQ(c_->Post("/apis/flink.apache.org/v1beta1/namespaces/op/flinkdeployments", fd).status,
            201);
  json seen;
  ASSERT_TRUE(WaitFd(
      "no-version", [](const json& s) { return s.contains("error"); }, &seen));
  json error = json::parse(seen["status"]["error"].get<std::string>());
  EXPECT_EQ(error["message"], "Flink version must be defined.");
  EXPECT_EQ(c_->Get("/apis/apps/v1/namespaces/op/deployments/no-version").status, 404);
}

}  // namespace
}  // namespace sluice::sim::testing
