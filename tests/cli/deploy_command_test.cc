// `sluice render`, `sluice preflight` and `sluice deploy` as a user runs them, against a
// sluice-sim process. The seed scenario: the seed's `flink run-application` command,
// imported with `sluice import flink-run`, deployed to the simulator: Flink's objects,
// RUNNING, the printed `JobManager Web Interface:` address answering /overview, and the
// `kubernetes.high-availability` warning shown.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/fs.h"
#include "k8s/client.h"
#include "k8s/resource.h"
#include "k8s/sim_process.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice::cli {
namespace {

using nlohmann::json;
using sluice::testing::ProcessOutput;
using sluice::testing::RunProcess;
using sluice::testing::SourceDir;
using sluice::testing::TempDir;

std::string Bin() {
  return std::getenv("SLUICE_BIN");
}

// The seed's command line as tests/cli/import_cases/seed-1.17/args gives it.
std::vector<std::string> SeedImportArgs() {
  auto text = ReadFile(SourceDir() / "tests/cli/import_cases/seed-1.17/args");
  EXPECT_TRUE(text.ok());
  std::vector<std::string> argv = {Bin()};
  std::string line;
  std::istringstream in(text.ok() ? *text : "");
  while (std::getline(in, line)) {
    if (!line.empty()) argv.push_back(line);
  }
  return argv;
}

class DeployCommandTest : public sluice::testing::SimProcessSuite {
 protected:
  ProcessOutput Sluice(std::vector<std::string> args) {
    args.insert(args.begin(), Bin());
    return RunProcess(args, {.env = {{"KUBECONFIG", sim_->kubeconfig_path()}},
                             .timeout = std::chrono::seconds(120)});
  }

  // The seed imported into a job spec file.
  std::string ImportSeed() {
    ProcessOutput imported = RunProcess(SeedImportArgs());
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    std::string path = (dir_.path() / "seed.yaml").string();
    EXPECT_TRUE(WriteFileAtomic(path, imported.out).ok());
    return path;
  }

  TempDir dir_;
};

TEST_F(DeployCommandTest, SeedImportedAndDeployedRunsAndAnswersOverview) {
  std::string spec = ImportSeed();

  // Before setup, preflight names everything missing in one message and exits 1.
  ProcessOutput check = Sluice({"preflight", "-f", spec});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  std::string all = check.out + check.err;
  EXPECT_NE(all.find("namespace flink-cluster"), std::string::npos) << all;
  EXPECT_NE(all.find("service account flink-cluster/flink"), std::string::npos) << all;
  EXPECT_NE(all.find("--setup"), std::string::npos) << all;

  ProcessOutput setup = Sluice({"preflight", "-f", spec, "--setup"});
  ASSERT_EQ(setup.exit_code, 0) << setup.out << setup.err;

  ProcessOutput deployed = Sluice({"deploy", "-f", spec, "--wait", "90s"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.out << deployed.err;
  EXPECT_NE(deployed.err.find("\"kubernetes.high-availability\""), std::string::npos)
      << deployed.err;
  EXPECT_NE(deployed.err.find("high-availability.type"), std::string::npos) << deployed.err;
  const std::string marker = "JobManager Web Interface: ";
  size_t at = deployed.out.find(marker);
  ASSERT_NE(at, std::string::npos) << deployed.out;
  EXPECT_NE(deployed.out.find("Create flink application cluster my-first-application-cluster "
                              "successfully"),
            std::string::npos)
      << deployed.out;
  std::string url = deployed.out.substr(at + marker.size());
  url = url.substr(0, url.find('\n'));
  ASSERT_TRUE(url.starts_with(sim_->url())) << url;

  // The address answers Flink's REST API (with the kubeconfig's credentials).
  auto client = sim_->NewClient();
  json overview;
  ASSERT_TRUE(sluice::testing::WaitUntil(
      [&] {
        auto r = client->Send({.path = url.substr(sim_->url().size()) + "/overview"});
        if (!r.ok() || r->status != 200) return false;
        overview = json::parse(r->body, nullptr, false);
        return overview.is_object() && overview.value("jobs-running", 0) == 1;
      },
      std::chrono::seconds(60)))
      << overview.dump();
  EXPECT_TRUE(overview.contains("flink-version"));

  // Flink's objects: names, labels, ports, service account, NodePort REST service.
  const std::string ns = "flink-cluster", cid = "my-first-application-cluster";
  auto dep = client->Get(k8s::types::Deployment(), ns, cid);
  ASSERT_TRUE(dep.ok()) << dep.error().ToString();
  EXPECT_EQ((*dep)["spec"]["template"]["spec"]["serviceAccountName"], "flink");
  EXPECT_EQ((*dep)["metadata"]["labels"]["type"], "flink-native-kubernetes");
  auto internal = client->Get(k8s::types::Service(), ns, cid);
  ASSERT_TRUE(internal.ok()) << "HA is silently off in the seed: the headless service exists";
  EXPECT_EQ((*internal)["spec"]["ports"][0]["port"], 6123);
  EXPECT_EQ((*internal)["spec"]["ports"][1]["port"], 6124);
  auto rest = client->Get(k8s::types::Service(), ns, cid + "-rest");
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ((*rest)["spec"]["type"], "NodePort");
  EXPECT_EQ((*rest)["spec"]["ports"][0]["port"], 8081);
  auto cm = client->Get(k8s::types::ConfigMap(), ns, "flink-config-" + cid);
  ASSERT_TRUE(cm.ok());
  std::string conf = (*cm)["data"]["flink-conf.yaml"];
  for (const char* line :
       {"state.backend: rocksdb\n", "state.backend.incremental: true\n",
        "high-availability.storageDir: hdfs://<hdfs-cluster>/flink/recovery\n",
        "kubernetes.high-availability: "
        "org.apache.flink.kubernetes.highavailability.KubernetesHaServicesFactory\n"}) {
    EXPECT_NE(conf.find(line), std::string::npos) << line << " missing in\n" << conf;
  }

  // Deploying again finds it.
  ProcessOutput again = Sluice({"deploy", "-f", spec, "--wait", "90s"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("found Deployment flink-cluster/" + cid), std::string::npos)
      << again.err;
}

TEST_F(DeployCommandTest, RenderPrintsObjectsAndWarningsWithoutACluster) {
  std::string spec = ImportSeed();
  ProcessOutput yaml = RunProcess({Bin(), "render", "-f", spec}, {.unset_env = {"KUBECONFIG"}});
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_TRUE(yaml.out.starts_with("---\napiVersion: apps/v1\nkind: Deployment\n")) << yaml.out;
  EXPECT_NE(yaml.err.find("kubernetes.high-availability"), std::string::npos);

  ProcessOutput j = RunProcess({Bin(), "render", "-f", spec, "-o", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  json doc = json::parse(j.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << j.out;
  ASSERT_EQ(doc["objects"].size(), 4u);
  EXPECT_TRUE(doc["argv"].is_array());
  ASSERT_FALSE(doc["warnings"].empty());
  std::vector<std::string> kinds;
  for (const auto& o : doc["objects"])
    kinds.push_back(o["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"Deployment", "Service", "Service", "ConfigMap"}));
}

TEST_F(DeployCommandTest, DeployOfABadImageFailsWithThePodsReason) {
  std::string text = *ReadFile(ImportSeed());
  text.replace(text.find("apache/flink:v0.1"), 17, "bad-image:1.17");
  text.replace(text.find("name: my-first-application-cluster"), 34, "name: bad-image-cluster");
  std::string spec = (dir_.path() / "bad.yaml").string();
  ASSERT_TRUE(WriteFileAtomic(spec, text).ok());
  ASSERT_EQ(Sluice({"preflight", "-f", spec, "--setup"}).exit_code, 0);
  ProcessOutput r = Sluice({"deploy", "-f", spec, "--wait", "90s"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("ImagePull"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("JobManager Web Interface"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sluice::cli
