// Preflight against sluice-sim: everything missing reported in one message with the fix;
// --setup creating a namespaced Role with exactly the JobManager's rights (narrower than
// the seed's cluster-wide `edit`, which lacks only deployments/finalizers); a partial Role reported
// by the rights it lacks; and the rights really are enough: a JobManager running under the set-up
// account gets its TaskManagers, one whose account has none does not.
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

class PreflightTest : public testing::SimDeployTest {
 protected:
  PreflightTest() : SimDeployTest(std::nullopt, k8s::ClientOptions{}) {}
  // The lifecycle case in namespace `ns`.
  DeploymentRequest In(const std::string& ns) {
    std::string text = CaseText("lifecycle-1.20");
    text.replace(text.find("namespace: lifecycle"), 20, "namespace: " + ns);
    return RequestFor(LoadCaseText(text, ns));
  }
};

TEST_F(PreflightTest, ReportsEverythingMissingInOneMessageThenSetsItUp) {
  DeploymentRequest request = In("pf-fresh");
  auto report = Preflight(*client_, request, spec::Target::kKubernetesApplication);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  ASSERT_EQ(report->missing.size(), 3u) << report->Message();
  std::string message = report->Message();
  for (const char* part :
       {"namespace pf-fresh", "service account pf-fresh/flink",
        "pods: get, list, watch, create, update, patch, delete",
        "deployments.apps/finalizers: update", "--setup", "kind: Role", "kind: RoleBinding"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " not in\n" << message;
  }
  EXPECT_TRUE(report->created.empty());
  EXPECT_FALSE(client_->Get(types::Namespace(), "", "pf-fresh").ok()) << "a check changes nothing";

  auto setup = Preflight(*client_, request, spec::Target::kKubernetesApplication, {.setup = true});
  ASSERT_TRUE(setup.ok()) << setup.error().ToString();
  EXPECT_TRUE(setup->ok()) << setup->Message();
  EXPECT_EQ(setup->created.size(), 3u);
  auto role = client_->Get(types::Role(), "pf-fresh", std::string(kRoleName));
  ASSERT_TRUE(role.ok());
  // Exactly the JobManager's rules: no wildcard, nothing cluster-wide.
  EXPECT_EQ(role->at("rules").size(), 3u) << role->at("rules").dump();
  for (const auto& rule : role->at("rules")) {
    for (const auto& v : rule["verbs"])
      EXPECT_NE(v, "*");
    for (const auto& r : rule["resources"])
      EXPECT_TRUE(r == "pods" || r == "configmaps" || r == "deployments" ||
                  r == "deployments/finalizers")
          << r;
  }
  auto checked = Preflight(*client_, request, spec::Target::kKubernetesApplication);
  ASSERT_TRUE(checked.ok());
  EXPECT_TRUE(checked->ok()) << checked->Message();
  auto repeated =
      Preflight(*client_, request, spec::Target::kKubernetesApplication, {.setup = true});
  ASSERT_TRUE(repeated.ok());
  EXPECT_TRUE(repeated->created.empty()) << "setup is idempotent";
}

TEST_F(PreflightTest, APartialRoleAndTheSeedsEditAreReportedByWhatTheyLack) {
  DeploymentRequest request = In("pf-edit");
  ASSERT_TRUE(client_->Create(types::Namespace(), "", {{"metadata", {{"name", "pf-edit"}}}}).ok());
  ASSERT_TRUE(client_
                  ->Create(types::ServiceAccount(), "pf-edit",
                           {{"metadata", {{"name", "flink"}, {"namespace", "pf-edit"}}}})
                  .ok());
  // A Role that lacks the Deployment rights.
  json role = {{"metadata", {{"name", "partial"}, {"namespace", "pf-edit"}}},
               {"rules",
                {{{"apiGroups", {""}},
                  {"resources", {"pods", "configmaps"}},
                  {"verbs", {"get", "list", "watch", "create", "update", "patch", "delete"}}}}}};
  ASSERT_TRUE(client_->Create(types::Role(), "pf-edit", role).ok());
  json binding = {
      {"metadata", {{"name", "partial"}, {"namespace", "pf-edit"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "partial"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "flink"}, {"namespace", "pf-edit"}}}}};
  ASSERT_TRUE(client_->Create(types::RoleBinding(), "pf-edit", binding).ok());
  auto partial = Preflight(*client_, request, spec::Target::kKubernetesApplication);
  ASSERT_TRUE(partial.ok());
  ASSERT_EQ(partial->missing.size(), 1u) << partial->Message();
  EXPECT_NE(partial->missing[0].find("deployments.apps: get, delete"), std::string::npos)
      << partial->missing[0];
  EXPECT_EQ(partial->missing[0].find("pods"), std::string::npos) << partial->missing[0];

  // The seed's `kubectl create clusterrolebinding ... --clusterrole=edit`.
  json edit = {
      {"metadata", {{"name", "flink-role-binding-flink"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "flink"}, {"namespace", "pf-edit"}}}}};
  ASSERT_TRUE(client_->Create(types::ClusterRoleBinding(), "", edit).ok());
  // `edit` grants everything but deployments/finalizers, which the JobManager needs to
  // set blockOwnerDeletion on its TaskManager pods where the API server enforces owner
  // reference permissions; preflight says exactly that.
  auto with_edit = Preflight(*client_, request, spec::Target::kKubernetesApplication);
  ASSERT_TRUE(with_edit.ok());
  ASSERT_EQ(with_edit->missing.size(), 1u) << with_edit->Message();
  EXPECT_NE(with_edit->missing[0].find("deployments.apps/finalizers: update"), std::string::npos)
      << with_edit->missing[0];
  EXPECT_EQ(with_edit->missing[0].find("deployments.apps: get"), std::string::npos)
      << with_edit->missing[0];
}

TEST_F(PreflightTest, TheRightsAreEnoughForTheJobManagerAndNoneAreNot) {
  for (const bool setup : {true, false}) {
    SCOPED_TRACE(setup ? "with setup" : "without rights");
    std::string ns = setup ? "pf-run" : "pf-norights";
    DeploymentRequest request = In(ns);
    if (setup) {
      auto r = Preflight(*client_, request, spec::Target::kKubernetesApplication, {.setup = true});
      ASSERT_TRUE(r.ok() && r->ok());
    } else {
      ASSERT_TRUE(client_->Create(types::Namespace(), "", {{"metadata", {{"name", ns}}}}).ok());
      ASSERT_TRUE(client_
                      ->Create(types::ServiceAccount(), ns,
                               {{"metadata", {{"name", "flink"}, {"namespace", ns}}}})
                      .ok());
    }
    auto d = NewDeployer(spec::Target::kKubernetesApplication,
                         {.name = "sim", .kubernetes = KubernetesTarget{.client = client_}});
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE((*d)->Submit(request).ok());
    auto taskmanagers = [&] {
      auto pods = client_->ListAll(
          types::Pod(), ns,
          {.label_selector = "app=" + request.cluster_id + ",component=taskmanager"});
      return pods.ok() && !pods->empty();
    };
    auto running = [&] {
      auto o = (*d)->Observe(request);
      return o.ok() && o->phase == "RUNNING";
    };
    ASSERT_TRUE(WaitUntil(running, std::chrono::seconds(60)));
    if (setup) {
      EXPECT_TRUE(WaitUntil(taskmanagers, std::chrono::seconds(60)));
    } else {
      // The JobManager answers but cannot make TaskManagers: its job waits for slots.
      EXPECT_FALSE(WaitUntil(taskmanagers, std::chrono::seconds(2)));
      auto o = (*d)->Observe(request);
      ASSERT_TRUE(o.ok());
      EXPECT_NE(o->job_state, "RUNNING");
    }
  }
}

}  // namespace
}  // namespace sluice::deploy
