#include "k8s/kubeconfig.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/fs.h"
#include "support/test_env.h"

namespace sluice::k8s {
namespace {

namespace fs = std::filesystem;
using testing::SourceDir;
using testing::TempDir;

std::string Data(const std::string& name) {
  return (SourceDir() / "tests/k8s/testdata/kubeconfig" / name).string();
}

// Sets an environment variable for the test's duration.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Kubeconfig, ResolvesTheCurrentContextWithPathsRelativeToTheFile) {
  auto rc = LoadRestConfig({.path = Data("a.yaml")});
  ASSERT_TRUE(rc.ok()) << rc.error().ToString();
  EXPECT_EQ(rc->server, "https://one.example:6443");  // trailing slash dropped
  EXPECT_EQ(rc->tls.ca_file, Data("certs/ca.pem"));
  EXPECT_EQ(rc->tls.server_name, "api.one.example");
  EXPECT_EQ(rc->auth.token_file, Data("tokens/alice"));
  EXPECT_EQ(rc->default_namespace, "team-a");
  EXPECT_EQ(rc->context, "one");
  EXPECT_EQ(rc->user, "alice");
}

TEST(Kubeconfig, ReadsCertificatesDataAndExecPlugins) {
  auto two = LoadRestConfig({.path = Data("b.yaml")});
  ASSERT_TRUE(two.ok()) << two.error().ToString();
  EXPECT_EQ(two->server, "https://two.example:443");
  EXPECT_EQ(two->tls.ca_pem, "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n");
  EXPECT_TRUE(two->tls.insecure_skip_verify);
  EXPECT_EQ(two->auth.client_cert_file, "/etc/bob/cert.pem");  // absolute stays
  EXPECT_EQ(two->auth.client_key_file, Data("keys/bob.key"));
  EXPECT_EQ(two->default_namespace, "default");

  auto carol = LoadRestConfig({.path = Data("b.yaml"), .context = "carol"});
  ASSERT_TRUE(carol.ok()) << carol.error().ToString();
  ASSERT_TRUE(carol->auth.exec.has_value());
  const ExecConfig& x = *carol->auth.exec;
  EXPECT_EQ(x.api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(x.command, Data("bin/get-token"));
  EXPECT_EQ(x.args, (std::vector<std::string>{"--cluster", "two", "--verbose=false"}));
  ASSERT_EQ(x.env.size(), 1u);
  EXPECT_EQ(x.env[0].first, "REGION");
  EXPECT_EQ(x.env[0].second, "eu-west-1");
  EXPECT_TRUE(x.provide_cluster_info);
  EXPECT_EQ(x.install_hint, "install get-token from the platform team");
  EXPECT_EQ(carol->default_namespace, "flink");
}

TEST(Kubeconfig, BareExecCommandsAreLookedUpInPathLater) {
  auto dave = LoadRestConfig({.path = Data("b.yaml"), .context = "dave"});
  ASSERT_TRUE(dave.ok()) << dave.error().ToString();
  EXPECT_EQ(dave->auth.exec->command, "kubelogin");  // no '/': PATH, when it runs
  EXPECT_EQ(dave->auth.exec->api_version, "client.authentication.k8s.io/v1");  // default
  auto parsed = Kubeconfig::Parse(*ReadFile(Data("b.yaml")), "b.yaml", "/base");
  ASSERT_TRUE(parsed.ok());
  auto carol = parsed->Resolve("carol");
  ASSERT_TRUE(carol.ok());
  EXPECT_EQ(carol->auth.exec->command, "/base/bin/get-token");
}

TEST(Kubeconfig, MissingContextsClustersAndUsersAreNamed) {
  auto nope = LoadRestConfig({.path = Data("b.yaml"), .context = "carl"});
  ASSERT_FALSE(nope.ok());
  EXPECT_EQ(nope.error().code, ErrorCode::kNotFound);
  EXPECT_NE(nope.error().message.find("context \"carl\""), std::string::npos);
  EXPECT_NE(nope.error().hint.find("did you mean \"carol\""), std::string::npos);

  auto broken = LoadRestConfig({.path = Data("b.yaml"), .context = "broken"});
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("cluster \"three\""), std::string::npos);

  auto missing = LoadRestConfig({.path = Data("does-not-exist.yaml")});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().ToString().find("does-not-exist.yaml"), std::string::npos);
}

TEST(Kubeconfig, AuthProvidersAreRefusedWithAHint) {
  auto rc = LoadRestConfig({.path = Data("auth-provider.yaml")});
  ASSERT_FALSE(rc.ok());
  EXPECT_NE(rc.error().message.find("auth-provider"), std::string::npos);
  EXPECT_NE(rc.error().message.find("gcp"), std::string::npos);
  EXPECT_FALSE(rc.error().hint.empty());
}

TEST(Kubeconfig, KubeconfigListMergesFirstDefinitionWins) {
  TempDir dir;
  std::string list =
      Data("a.yaml") + ":" + (dir.path() / "absent.yaml").string() + ":" + Data("b.yaml");
  ScopedEnv env("KUBECONFIG", list);
  auto current = LoadRestConfig({});
  ASSERT_TRUE(current.ok()) << current.error().ToString();
  EXPECT_EQ(current->context, "one");                      // the first file's current-context
  EXPECT_EQ(current->server, "https://one.example:6443");  // cluster "one" from a.yaml
  auto two = LoadRestConfig({.context = "two"});           // defined only in b.yaml
  ASSERT_TRUE(two.ok()) << two.error().ToString();
  EXPECT_EQ(two->server, "https://two.example:443");
  EXPECT_EQ(two->auth.client_key_file, Data("keys/bob.key"));  // relative to b.yaml
}

TEST(Kubeconfig, NoKubeconfigAnywhereSaysWhereItLooked) {
  TempDir dir;
  ScopedEnv env("KUBECONFIG", (dir.path() / "none.yaml").string());
  auto rc = LoadRestConfig({});
  ASSERT_FALSE(rc.ok());
  EXPECT_NE(rc.error().message.find("none.yaml"), std::string::npos);
  EXPECT_NE(rc.error().hint.find("--kubeconfig"), std::string::npos);
}

TEST(Kubeconfig, InClusterReadsTheServiceAccount) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "token", "sa-token\n").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "ca.crt", "PEM").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "namespace", "flink-jobs").ok());
  {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
    auto rc = InClusterConfig(dir.path().string());
    ASSERT_TRUE(rc.ok()) << rc.error().ToString();
    EXPECT_EQ(rc->server, "https://10.96.0.1:443");
    EXPECT_EQ(rc->auth.token, "sa-token");
    EXPECT_EQ(rc->auth.token_file, (dir.path() / "token").string());
    EXPECT_EQ(rc->tls.ca_file, (dir.path() / "ca.crt").string());
    EXPECT_EQ(rc->default_namespace, "flink-jobs");
  }
  {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", "fd00::1");
    ScopedEnv port("KUBERNETES_SERVICE_PORT", "6443");
    auto rc = InClusterConfig(dir.path().string());
    ASSERT_TRUE(rc.ok());
    EXPECT_EQ(rc->server, "https://[fd00::1]:6443");
  }
  unsetenv("KUBERNETES_SERVICE_HOST");
  auto outside = InClusterConfig(dir.path().string());
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sluice::k8s
