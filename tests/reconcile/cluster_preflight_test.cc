// Preflight of registered clusters against small HTTP servers standing in for a Kubernetes
// API server, a YARN ResourceManager and a JobManager, and against addresses that do not
// answer: each problem is an error check with a hint, never a hang.
#include "reconcile/cluster_preflight.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <mutex>

#include "common/fs.h"
#include "http/server.h"
#include "support/test_env.h"

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;

std::string KubeconfigFile() {
  return ReadFile(sluice::testing::SourceDir() / "tests/reconcile/testdata/kubeconfig-token.yaml")
      .value_or("");
}

store::Cluster ClusterRow(const std::string& kind, json config) {
  return {.name = "c1", .kind = kind, .config_json = config.dump(), .revision = 1};
}

const PreflightCheck* Named(const std::vector<PreflightCheck>& checks, const std::string& name) {
  for (const auto& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Answers GET paths from a table (404 otherwise) and records the Authorization headers.
class FakeRest {
 public:
  explicit FakeRest(std::map<std::string, std::pair<int, json>> answers)
      : answers_(std::move(answers)) {
    auto server = http::Server::Start({.port = 0}, [this](http::Request& req) {
      std::lock_guard lock(mu_);
      auth_.push_back(req.Header("Authorization"));
      auto it = answers_.find(req.path);
      if (it == answers_.end()) {
        return http::Response::Json(404, {{"kind", "Status"},
                                          {"status", "Failure"},
                                          {"reason", "NotFound"},
                                          {"code", 404},
                                          {"message", req.path + " not found"}});
      }
      return http::Response::Json(it->second.first, it->second.second);
    });
    EXPECT_TRUE(server.ok()) << server.error().ToString();
    server_ = std::move(server).value();
  }
  ~FakeRest() { server_->Shutdown(std::chrono::milliseconds(0)); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<std::string> Auth() {
    std::lock_guard lock(mu_);
    return auth_;
  }

 private:
  std::map<std::string, std::pair<int, json>> answers_;
  std::mutex mu_;
  std::vector<std::string> auth_;
  std::unique_ptr<http::Server> server_;
};

class ClusterPreflightTest : public ::testing::Test {
 protected:
  sluice::testing::TempDir dir_;
  ClusterPreflightOptions Options() {
    return {.targets = {.work_dir = dir_.path() / "jobs"}, .timeout = std::chrono::seconds(3)};
  }
  // A TCP port on which nothing listens.
  std::string DeadUrl() { return "http://127.0.0.1:1"; }
};

TEST_F(ClusterPreflightTest, KubernetesReportsWhatIsMissingWithTheFix) {
  const std::string rbac = "/apis/rbac.authorization.k8s.io/v1";
  FakeRest api({{"/version", {200, {{"gitVersion", "v1.30.2"}}}},
                {"/api/v1/namespaces/flink-jobs", {200, {{"metadata", {{"name", "flink-jobs"}}}}}},
                {rbac + "/namespaces/flink-jobs/rolebindings", {200, {{"items", json::array()}}}},
                {rbac + "/clusterrolebindings", {200, {{"items", json::array()}}}}});
  auto checks = PreflightCluster(
      ClusterRow("kubernetes", {{"apiServer", api.Url()}, {"namespace", "flink-jobs"}}),
      {{"kubeconfig", KubeconfigFile()}}, Options());
  const PreflightCheck* server = Named(checks, "api-server");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->status, "ok");
  EXPECT_NE(server->message.find("v1.30.2"), std::string::npos);
  ASSERT_NE(Named(checks, "namespace"), nullptr);
  EXPECT_EQ(Named(checks, "namespace")->status, "ok");
  const PreflightCheck* sa = Named(checks, "service-account");
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->status, "error");
  EXPECT_NE(sa->message.find("flink-jobs/flink"), std::string::npos) << sa->message;
  EXPECT_NE(sa->hint.find("kind: ServiceAccount"), std::string::npos) << sa->hint;
  const PreflightCheck* rights = Named(checks, "jobmanager-rights");
  ASSERT_NE(rights, nullptr);
  EXPECT_EQ(rights->status, "error");
  // The objects to apply are shown once, with the first missing thing.
  EXPECT_NE(sa->hint.find("kind: Role"), std::string::npos) << sa->hint;
  EXPECT_NE(rights->hint.find("shown under service-account"), std::string::npos) << rights->hint;
  for (const auto& a : api.Auth())
    EXPECT_EQ(a, "Bearer prod-token");

  json j = PreflightChecksJson(checks);
  EXPECT_EQ(j[0], json({{"name", "api-server"},
                        {"status", "ok"},
                        {"message", server->message}}));  // no empty hint
}

TEST_F(ClusterPreflightTest, AClusterThatDoesNotAnswerIsAnErrorNotAHang) {
  auto k8s = PreflightCluster(ClusterRow("kubernetes", {{"apiServer", DeadUrl()}}),
                              {{"kubeconfig", KubeconfigFile()}}, Options());
  ASSERT_EQ(k8s.size(), 4u);
  EXPECT_EQ(k8s[0].name, "api-server");
  EXPECT_EQ(k8s[0].status, "error");
  EXPECT_NE(k8s[0].message.find("does not answer"), std::string::npos) << k8s[0].message;
  EXPECT_NE(k8s[0].hint.find("config.apiServer"), std::string::npos);
  for (size_t i = 1; i < k8s.size(); ++i)
    EXPECT_EQ(k8s[i].status, "skipped") << k8s[i].name;

  auto yarn =
      PreflightCluster(ClusterRow("yarn", {{"resourceManagerUrl", DeadUrl()}}), {}, Options());
  ASSERT_EQ(yarn.size(), 1u);
  EXPECT_EQ(yarn[0].name, "resource-manager");
  EXPECT_EQ(yarn[0].status, "error");
  EXPECT_NE(yarn[0].hint.find("config.resourceManagerUrl"), std::string::npos);

  auto jm =
      PreflightCluster(ClusterRow("standalone", {{"jobManagerUrl", DeadUrl()}}), {}, Options());
  ASSERT_EQ(jm.size(), 1u);
  EXPECT_EQ(jm[0].status, "error");
  EXPECT_NE(jm[0].hint.find("config.jobManagerUrl"), std::string::npos);

  auto broken = PreflightCluster(ClusterRow("kubernetes", json::object()), {}, Options());
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_EQ(broken[0].name, "configuration");
  EXPECT_EQ(broken[0].status, "error");
  EXPECT_FALSE(broken[0].hint.empty());
}

TEST_F(ClusterPreflightTest, YarnAndStandaloneAnswerWithTheirVersions) {
  FakeRest rm({{"/ws/v1/cluster/info",
                {200, {{"clusterInfo", {{"state", "STARTED"}, {"hadoopVersion", "3.3.6"}}}}}}});
  auto yarn =
      PreflightCluster(ClusterRow("yarn", {{"resourceManagerUrl", rm.Url() + "/"}}), {}, Options());
  ASSERT_EQ(yarn.size(), 1u);
  EXPECT_EQ(yarn[0].status, "ok");
  EXPECT_NE(yarn[0].message.find("STARTED, Hadoop 3.3.6"), std::string::npos) << yarn[0].message;

  FakeRest jm({{"/v1/overview", {200, {{"flink-version", "1.20.1"}, {"slots-available", 4}}}}});
  auto ok = PreflightCluster(ClusterRow("standalone", {{"jobManagerUrl", jm.Url()}}),
                             {{"token", "t0k"}}, Options());
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].status, "ok");
  EXPECT_NE(ok[0].message.find("Flink 1.20.1, 4 free slots"), std::string::npos) << ok[0].message;
  EXPECT_EQ(jm.Auth().back(), "Bearer t0k");

  FakeRest refusing({{"/v1/overview", {401, {{"errors", {"unauthorized"}}}}}});
  auto denied = PreflightCluster(ClusterRow("standalone", {{"jobManagerUrl", refusing.Url()}}), {},
                                 Options());
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0].status, "error");
  EXPECT_NE(denied[0].message.find("refused"), std::string::npos);
}

TEST_F(ClusterPreflightTest, FlinkVersionNeedsItsDistributionOnThisServer) {
  auto home = dir_.path() / "flink-1.20";
  ASSERT_TRUE(EnsureWritableDirectory(home / "bin").ok());
  ASSERT_TRUE(WriteFileAtomic(home / "bin" / "flink", "#!/bin/sh\n", 0755).ok());
  auto ok = PreflightCluster(
      ClusterRow("flink-version", {{"flinkHome", home.string()}, {"version", "1.20"}}), {},
      Options());
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].status, "ok") << ok[0].message;
  auto missing = PreflightCluster(
      ClusterRow("flink-version",
                 {{"flinkHome", (dir_.path() / "none").string()}, {"version", "2.2"}}),
      {}, Options());
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].status, "error");
  EXPECT_NE(missing[0].hint.find("config.flinkHome"), std::string::npos);
}

}  // namespace
}  // namespace sluice::reconcile
