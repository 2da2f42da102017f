// Registered clusters to deploy targets, per kind, and the per-revision cache.
#include "reconcile/cluster_targets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "k8s/client.h"
#include "store/store_backends.h"
#include "support/test_env.h"

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;

std::string TestFile(const std::string& name) {
  return ReadFile(sluice::testing::SourceDir() / "tests/reconcile/testdata" / name).value_or("");
}

store::Cluster Row(const std::string& kind, json config, const std::string& name = "c1") {
  return {.name = name, .kind = kind, .config_json = config.dump(), .revision = 3};
}

class ClusterTargetsTest : public ::testing::Test {
 protected:
  sluice::testing::TempDir dir_;
  ClusterTargetOptions Options() { return {.work_dir = dir_.path() / "jobs"}; }
};

TEST_F(ClusterTargetsTest, KubernetesFromAnUploadedKubeconfig) {
  auto t = BuildClusterTarget(Row("kubernetes", {{"context", "staging"}, {"namespace", "jobs"}}),
                              {{"kubeconfig", TestFile("kubeconfig-token.yaml")}}, Options());
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->name, "c1");
  ASSERT_TRUE(t->kubernetes.has_value());
  ASSERT_NE(t->kubernetes->client, nullptr);
  const auto& rc = t->kubernetes->client->config();
  EXPECT_EQ(rc.server, "https://staging.example:6443");
  EXPECT_EQ(rc.auth.token, "prod-token");
  EXPECT_EQ(rc.default_namespace, "jobs");
  EXPECT_EQ(t->cli, nullptr);
}

TEST_F(ClusterTargetsTest, ApiServerAndTokenOverrideTheKubeconfig) {
  auto t = BuildClusterTarget(
      Row("kubernetes", {{"apiServer", "https://other.example:443"}}),
      {{"kubeconfig", TestFile("kubeconfig-token.yaml")}, {"token", "override"}}, Options());
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  const auto& rc = t->kubernetes->client->config();
  EXPECT_EQ(rc.server, "https://other.example:443");
  EXPECT_EQ(rc.auth.token, "override");
  EXPECT_EQ(rc.default_namespace, "flink");  // the context's
}

TEST_F(ClusterTargetsTest, UploadedKubeconfigsMayNotRunCommandsOrReadFiles) {
  for (const char* file : {"kubeconfig-exec.yaml", "kubeconfig-files.yaml"}) {
    auto t = BuildClusterTarget(Row("kubernetes", json::object()), {{"kubeconfig", TestFile(file)}},
                                Options());
    ASSERT_FALSE(t.ok()) << file;
    EXPECT_EQ(t.error().code, ErrorCode::kFailedPrecondition) << file;
    EXPECT_FALSE(t.error().hint.empty());
  }
  auto none = BuildClusterTarget(Row("kubernetes", json::object()), json::object(), Options());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no kubeconfig"), std::string::npos);
  auto context = BuildClusterTarget(Row("kubernetes", {{"context", "nope"}}),
                                    {{"kubeconfig", TestFile("kubeconfig-token.yaml")}}, Options());
  ASSERT_FALSE(context.ok());
  EXPECT_NE(context.error().message.find("c1"), std::string::npos);
}

TEST_F(ClusterTargetsTest, StandaloneWithBearerOrBasicAuthentication) {
  auto bearer = BuildClusterTarget(Row("standalone", {{"jobManagerUrl", "http://jm:8081"}}),
                                   {{"token", "t0k"}}, Options());
  ASSERT_TRUE(bearer.ok()) << bearer.error().ToString();
  ASSERT_NE(bearer->cli, nullptr);
  ASSERT_TRUE(bearer->cli->remote.has_value());
  EXPECT_EQ(bearer->cli->remote->rest_url, "http://jm:8081");
  EXPECT_EQ(bearer->cli->remote->headers.at("Authorization"), "Bearer t0k");
  EXPECT_EQ(bearer->cli->work_dir, dir_.path() / "jobs");

  auto basic = BuildClusterTarget(
      Row("standalone", {{"jobManagerUrl", "http://jm:8081"}, {"username", "flink"}}),
      {{"password", "pw"}}, Options());
  ASSERT_TRUE(basic.ok());
  EXPECT_EQ(basic->cli->remote->headers.at("Authorization"), "Basic Zmxpbms6cHc=");
  auto open = BuildClusterTarget(Row("standalone", {{"jobManagerUrl", "http://jm:8081"}}),
                                 json::object(), Options());
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->cli->remote->headers.contains("Authorization"));
}

TEST_F(ClusterTargetsTest, YarnWritesTheKeytabPrivately) {
  auto t = BuildClusterTarget(Row("yarn", {{"resourceManagerUrl", "http://rm:8088"},
                                           {"queue", "etl"},
                                           {"hadoopConfDir", "/etc/hadoop"},
                                           {"principal", "flink@EXAMPLE"}}),
                              {{"keytab", "AAECAw=="}}, Options());
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  ASSERT_TRUE(t->cli && t->cli->yarn);
  const auto& y = *t->cli->yarn;
  EXPECT_EQ(y.resource_managers, std::vector<std::string>{"http://rm:8088"});
  EXPECT_EQ(y.queue, "etl");
  EXPECT_EQ(y.hadoop_conf_dir, "/etc/hadoop");
  EXPECT_EQ(y.kerberos.principal, "flink@EXAMPLE");
  ASSERT_FALSE(y.kerberos.keytab.empty());
  EXPECT_EQ(ReadFile(y.kerberos.keytab).value_or(""), std::string("\0\1\2\3", 4));
  struct stat st {};
  ASSERT_EQ(stat(y.kerberos.keytab.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  auto bad = BuildClusterTarget(Row("yarn", {{"resourceManagerUrl", "http://rm:8088"}}),
                                {{"keytab", "not base64!"}}, Options());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("keytab"), std::string::npos);
}

TEST_F(ClusterTargetsTest, AFlinkVersionIsNotATarget) {
  auto t = BuildClusterTarget(Row("flink-version", {{"flinkHome", "/opt/flink"}}), json::object(),
                              Options());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(ClusterTargetsTest, CachedPerRevision) {
  store::testing::Backend backend("sqlite");
  auto store = store::Store::Open(backend.url()).value();
  ASSERT_TRUE(store
                  ->CreateCluster({.name = "prod",
                                   .kind = "kubernetes",
                                   .config_json = R"({"context":"prod"})",
                                   .secrets = "sealed"})
                  .ok());
  int opened = 0;
  ClusterTargets targets(
      *store,
      [&](const store::Cluster& c) -> Result<json> {
        ++opened;
        EXPECT_EQ(c.secrets, "sealed");
        return json{{"kubeconfig", TestFile("kubeconfig-token.yaml")}};
      },
      Options());
  auto a = targets.Get("prod");
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  auto b = targets.Get("prod");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->kubernetes->client, b->kubernetes->client);
  EXPECT_EQ(opened, 1);

  auto row = store->FindCluster("prod").value();
  row.config_json = R"({"context":"staging"})";
  ASSERT_TRUE(store->UpdateCluster(row).ok());
  auto c = targets.Get("prod");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->kubernetes->client, a->kubernetes->client);
  EXPECT_EQ(c->kubernetes->client->config().server, "https://staging.example:6443");
  EXPECT_EQ(opened, 2);
  EXPECT_EQ(targets.Get("missing").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace sluice::reconcile
