// kubectl, a client nobody here wrote, against the simulator: the machine's 1.32 and
// Debian's 1.20 (unpacked by harness/kubectl-1.20.sh), driven through argv.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/fs.h"
#include "sim/test_support.h"

namespace sluice::sim::testing {
namespace {

std::string KubectlPath(const std::string& which) {
  if (which == "1.32") return "/usr/bin/kubectl";
  const char* harness = std::getenv("SLUICE_SIM_HARNESS");
  const char* cache = std::getenv("SLUICE_KUBECTL_CACHE");
  if (!harness || !cache) return "";
  auto r = RunProcess({"/bin/bash", std::string(harness) + "/kubectl-1.20.sh", cache}, {},
                      std::chrono::minutes(5));
  if (r.exit_code != 0) {
    ADD_FAILURE() << "cannot unpack kubectl 1.20 with harness/kubectl-1.20.sh: " << r.err;
    return "";
  }
  std::string path = r.out.substr(0, r.out.find('\n'));
  return path;
}

class KubectlTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    kubectl_ = KubectlPath(GetParam());
    ASSERT_FALSE(kubectl_.empty()) << "kubectl " << GetParam() << " is not available";
    ASSERT_TRUE(std::filesystem::exists(kubectl_)) << kubectl_ << " is missing";
    sim_ = StartSim();
    kubeconfig_ = (tmp_.path() / "kubeconfig").string();
    ASSERT_TRUE(WriteFileAtomic(kubeconfig_, sim_->Kubeconfig()).ok());
    env_ = {{"KUBECONFIG", kubeconfig_}, {"HOME", tmp_.path().string()}};
  }

  ProcessResult K(std::vector<std::string> args) {
    args.insert(args.begin(), kubectl_);
    return RunProcess(args, env_, std::chrono::seconds(60));
  }

  sluice::testing::TempDir tmp_;
  std::string kubectl_;
  std::unique_ptr<Simulator> sim_;
  std::string kubeconfig_;
  std::map<std::string, std::string> env_;
};

TEST_P(KubectlTest, SeedPrerequisitesApplyWatchProxyAndCascadingDelete) {
  auto r = K({"create", "namespace", "flink-cluster"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("namespace/flink-cluster created"), std::string::npos) << r.out;
  r = K({"create", "serviceaccount", "flink", "-n", "flink-cluster"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("serviceaccount/flink created"), std::string::npos) << r.out;
  r = K({"create", "clusterrolebinding", "flink-role-binding-flink", "--clusterrole=edit",
         "--serviceaccount=flink-cluster:flink"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      r.out.find("clusterrolebinding.rbac.authorization.k8s.io/flink-role-binding-flink created"),
      std::string::npos)
      << r.out;

  Background watch({kubectl_, "get", "pods", "-n", "flink-cluster", "-w"}, env_);
  // The watch is established before anything exists (it prints nothing yet).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  r = K({"apply", "-n", "flink-cluster", "-f", Testdata("kubectl/flink-application.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("deployment.apps/wordcount created"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("configmap/flink-config-wordcount created"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("service/wordcount-rest created"), std::string::npos) << r.out;

  // As Flink does: the ConfigMap is owned by the Deployment.
  r = K(
      {"get", "deployment", "wordcount", "-n", "flink-cluster", "-o", "jsonpath={.metadata.uid}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string uid = r.out;
  json owner = {{"metadata",
                 {{"ownerReferences",
                   {{{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"name", "wordcount"},
                     {"uid", uid},
                     {"controller", true},
                     {"blockOwnerDeletion", true}}}}}}};
  r = K({"patch", "configmap", "flink-config-wordcount", "-n", "flink-cluster", "--type", "merge",
         "-p", owner.dump()});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto running = [](const std::string& out, const std::string& pod) {
    size_t pos = 0;
    while ((pos = out.find(pod, pos)) != std::string::npos) {
      size_t eol = out.find('\n', pos);
      std::string line = out.substr(pos, eol - pos);
      if (line.find("Running") != std::string::npos && line.find("1/1") != std::string::npos)
        return true;
      pos = eol;
    }
    return false;
  };
  ASSERT_TRUE(watch.WaitForOutput(
      [&](const std::string& out) {
        return running(out, "wordcount-taskmanager-1-1") &&
               running(out, "wordcount-taskmanager-1-2");
      },
      std::chrono::seconds(20)))
      << watch.output();
  std::string out = watch.output();
  EXPECT_NE(out.find("NAME"), std::string::npos) << out;
  EXPECT_NE(out.find("ContainerCreating"), std::string::npos)
      << "the watch saw pods come up: " << out;
  // The JobManager pod is named <deployment>-<replicaset hash>-<5 characters>.
  r = K({"get", "pods", "-n", "flink-cluster", "-l", "component=jobmanager", "-o",
         "jsonpath={.items[0].metadata.name}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(running(out, r.out)) << r.out << "\n" << out;

  json overview;
  ASSERT_TRUE(Eventually([&] {
    auto raw =
        K({"get", "--raw",
           "/api/v1/namespaces/flink-cluster/services/wordcount-rest:rest/proxy/jobs/overview"});
    if (raw.exit_code != 0) return false;
    overview = json::parse(raw.out, nullptr, false);
    return !overview.is_discarded() && overview["jobs"].size() == 1 &&
           overview["jobs"][0]["state"] == "RUNNING";
  })) << overview.dump();
  EXPECT_TRUE(CheckFlinkAnswer("1.20", "GET", "/jobs/overview", 200, overview).empty());

  r = K({"delete", "deployment", "wordcount", "-n", "flink-cluster"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("deployment.apps \"wordcount\" deleted"), std::string::npos) << r.out;
  EXPECT_TRUE(Eventually([&] {
    auto pods = K({"get", "pods", "-n", "flink-cluster", "-o", "name"});
    auto rs = K({"get", "replicasets", "-n", "flink-cluster", "-o", "name"});
    auto cm = K({"get", "configmap", "flink-config-wordcount", "-n", "flink-cluster"});
    return pods.exit_code == 0 && pods.out.empty() && rs.out.empty() && cm.exit_code != 0 &&
           cm.err.find("NotFound") != std::string::npos;
  })) << "the Deployment took its ReplicaSet, pods and ConfigMap with it";
  // The Service had no owner reference, so it stays.
  r = K({"get", "service", "wordcount-rest", "-n", "flink-cluster"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_P(KubectlTest, ErrorsAreStatusObjectsKubectlUnderstands) {
  auto r = K({"get", "deployment", "missing", "-n", "default"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("deployments.apps \"missing\" not found"), std::string::npos) << r.err;
  r = K({"create", "namespace", "Bad_Name"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Invalid value: \"Bad_Name\""), std::string::npos) << r.err;
  r = K({"create", "namespace", "twice"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = K({"create", "namespace", "twice"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("AlreadyExists"), std::string::npos) << r.err;
}

TEST_P(KubectlTest, ClientCertificateUser) {
  auto r = K({"--context", "sluice-sim-cert", "get", "namespaces", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("namespace/default"), std::string::npos) << r.out;
}

TEST_P(KubectlTest, ServerSideApplyAndScale) {
  auto r = K({"apply", "--server-side", "-n", "default", "-f",
              Testdata("kubectl/flink-application.yaml")});
  // The Deployment's service account does not exist in default: the ReplicaSet says so.
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("serverside-applied"), std::string::npos) << r.out;
  EXPECT_TRUE(Eventually([&] {
    auto d = K({"get", "deployment", "wordcount", "-n", "default", "-o", "json"});
    if (d.exit_code != 0) return false;
    json j = json::parse(d.out, nullptr, false);
    for (const auto& c : j["status"].value("conditions", json::array())) {
      if (c["type"] == "ReplicaFailure" &&
          c["message"].get<std::string>().find("serviceaccount \"flink\" not found") !=
              std::string::npos) {
        return true;
      }
    }
    return false;
  }));
  r = K({"scale", "deployment", "wordcount", "-n", "default", "--replicas=0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = K({"get", "deployment", "wordcount", "-n", "default", "-o", "jsonpath={.spec.replicas}"});
  EXPECT_EQ(r.out, "0");
}

TEST_P(KubectlTest, OperatorCrdsAndCustomResources) {
  std::string crds = (sluice::testing::ReferenceDir() / "flink-operator").string();
  auto r = K({"apply", "-f", crds + "/flinkdeployments.flink.apache.org-v1.yml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("customresourcedefinition.apiextensions.k8s.io/"
                       "flinkdeployments.flink.apache.org created"),
            std::string::npos)
      << r.out;
  r = K({"apply", "--server-side", "-f", crds + "/flinkdeployments.flink.apache.org-v1.yml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = K({"create", "-f", crds + "/flinksessionjobs.flink.apache.org-v1.yml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = K({"apply", "-n", "default", "-f", Testdata("kubectl/flinkdeployment.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("flinkdeployment.flink.apache.org/basic-example created"), std::string::npos)
      << r.out;
  r = K({"apply", "-n", "default", "-f", Testdata("crd/flinkdeployment-bad-types.yaml")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("spec.job.upgradeMode: Unsupported value: \"whenever\""), std::string::npos)
      << r.err;
  EXPECT_TRUE(Eventually([&] {
    auto g = K({"get", "flinkdep", "basic-example", "-n", "default"});
    return g.exit_code == 0 && g.out.find("JOB STATUS") != std::string::npos &&
           g.out.find("LIFECYCLE STATE") != std::string::npos;
  }));
}

INSTANTIATE_TEST_SUITE_P(Versions, KubectlTest, ::testing::Values("1.32", "1.20"),
                         [](const auto& info) {
                           return info.param == "1.32" ? std::string("v1_32")
                                                       : std::string("v1_20");
                         });

// The binary itself: starts, writes a kubeconfig kubectl can use, stops on SIGTERM.
TEST(SluiceSimBinary, StartsAndServesKubectl) {
  const char* bin = std::getenv("SLUICE_SIM_BIN");
  ASSERT_NE(bin, nullptr) << "SLUICE_SIM_BIN is not set (CTest sets it)";
  sluice::testing::TempDir tmp;
  std::string kubeconfig = (tmp.path() / "kc").string();
  std::string ready = (tmp.path() / "ready").string();
  Background sim({bin, "--listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig, "--ready-file",
                  ready, "--startup-delay", "50ms"},
                 {});
  ASSERT_TRUE(Eventually([&] { return std::filesystem::exists(ready); }, std::chrono::seconds(20)))
      << sim.output();
  auto r = RunProcess({"/usr/bin/kubectl", "get", "namespaces", "-o", "name"},
                      {{"KUBECONFIG", kubeconfig}, {"HOME", tmp.path().string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("namespace/kube-system"), std::string::npos);
  EXPECT_NE(sim.output().find("sluice-sim: API server at https://127.0.0.1:"), std::string::npos)
      << sim.output();
}

}  // namespace
}  // namespace sluice::sim::testing
