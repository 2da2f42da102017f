// Authentication against sluice-sim: bearer token, client certificate, and an exec
// credential plugin (tests/k8s/testdata/exec-credential.sh) with caching, expiry,
// refresh after a 401, certificates from the plugin and a failing plugin.
#include <gtest/gtest.h>

#include "common/fs.h"
#include "common/strings.h"
#include "common/time.h"
#include "k8s/client.h"
#include "k8s/encoding.h"
#include "k8s/sim_process.h"

namespace sluice::k8s {
namespace {

using testing::SourceDir;
using testing::TempDir;

class AuthTest : public testing::SimProcessSuite {
 protected:
  // A kubeconfig whose user runs the test plugin with state in state_.
  std::string ExecKubeconfig() {
    std::string text = *ReadFile(SourceDir() / "tests/k8s/testdata/exec-kubeconfig.yaml");
    text = ReplaceAll(text, "@SERVER@", sim_->url());
    text = ReplaceAll(text, "@CA_DATA@", Base64Encode(sim_->Config().tls.ca_pem));
    text = ReplaceAll(text, "@PLUGIN@",
                      (SourceDir() / "tests/k8s/testdata/exec-credential.sh").string());
    text = ReplaceAll(text, "@STATE_DIR@", state_.path().string());
    std::string path = (state_.path() / "kubeconfig").string();
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomic(state_.path() / name, text).ok());
  }
  int Runs() {
    auto t = ReadFile(state_.path() / "runs");
    return t.ok() ? static_cast<int>(ParseInt(Trim(*t)).value_or(-1)) : 0;
  }
  std::shared_ptr<Client> ExecClient() {
    auto config = LoadRestConfig({.path = ExecKubeconfig()});
    EXPECT_TRUE(config.ok()) << config.error().ToString();
    auto c = Client::Create(*config, {.initial_backoff = std::chrono::milliseconds(10)});
    EXPECT_TRUE(c.ok());
    return *c;
  }

  TempDir state_;
};

TEST_F(AuthTest, BearerTokenAndClientCertificateContexts) {
  auto token = sim_->NewClient("sluice-sim");
  EXPECT_TRUE(token->Get(types::Namespace(), "", "default").ok());
  auto cert = sim_->NewClient("sluice-sim-cert");
  ASSERT_FALSE(cert->config().auth.client_cert_pem.empty());
  auto r = cert->Get(types::Namespace(), "", "default");
  EXPECT_TRUE(r.ok()) << r.error().ToString();
}

TEST_F(AuthTest, WrongTokenIsUnauthenticatedWithAHint) {
  RestConfig config = sim_->Config();
  config.auth.token = "wrong";
  auto c = Client::Create(config);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Get(types::Namespace(), "", "default");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().hint.find("credentials"), std::string::npos);
}

TEST_F(AuthTest, TokenFileIsRead) {
  Write("token", sim_->token() + "\n");
  RestConfig config = sim_->Config();
  config.auth.token.clear();
  config.auth.token_file = (state_.path() / "token").string();
  auto c = Client::Create(config);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE((*c)->Get(types::Namespace(), "", "default").ok());
}

TEST_F(AuthTest, ExecPluginTokenIsCachedWithoutExpiry) {
  Write("tokens", sim_->token() + "\n");
  auto c = ExecClient();
  for (int i = 0; i < 3; ++i) {
    auto r = c->Get(types::Namespace(), "", "default");
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  EXPECT_EQ(Runs(), 1);
  EXPECT_EQ(c->credentials().exec_runs(), 1);
  // The plugin got argv and the ExecCredential input with the cluster (provideClusterInfo).
  EXPECT_EQ(*ReadFile(state_.path() / "args"), "--cluster sim");
  auto info = json::parse(*ReadFile(state_.path() / "exec-info.json"));
  EXPECT_EQ(info["kind"], "ExecCredential");
  EXPECT_EQ(info["spec"]["interactive"], false);
  EXPECT_EQ(info["spec"]["cluster"]["server"], sim_->url());
}

TEST_F(AuthTest, ExecPluginRunsAgainWhenTheTokenExpires) {
  Write("tokens", sim_->token() + "\n");
  Write("expiry", FormatRfc3339(NowMillis() + 5'000));  // inside the renewal slack
  auto c = ExecClient();
  ASSERT_TRUE(c->Get(types::Namespace(), "", "default").ok());
  ASSERT_TRUE(c->Get(types::Namespace(), "", "default").ok());
  EXPECT_EQ(Runs(), 2);
  Write("expiry", FormatRfc3339(NowMillis() + 3'600'000));
  ASSERT_TRUE(c->Get(types::Namespace(), "", "default").ok());
  ASSERT_TRUE(c->Get(types::Namespace(), "", "default").ok());
  EXPECT_EQ(Runs(), 3);
}

TEST_F(AuthTest, ExecPluginRunsAgainAfterA401) {
  Write("tokens", "stale-token\n" + sim_->token() + "\n");
  auto c = ExecClient();
  auto r = c->Get(types::Namespace(), "", "default");
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(Runs(), 2);
}

TEST_F(AuthTest, ExecPluginClientCertificate) {
  RestConfig cert = sim_->Config("sluice-sim-cert");
  json cred = {{"apiVersion", "client.authentication.k8s.io/v1"},
               {"kind", "ExecCredential"},
               {"status",
                {{"clientCertificateData", cert.auth.client_cert_pem},
                 {"clientKeyData", cert.auth.client_key_pem}}}};
  Write("credential.json", cred.dump());
  auto c = ExecClient();
  auto r = c->Get(types::Namespace(), "", "default");
  EXPECT_TRUE(r.ok()) << r.error().ToString();
}

TEST_F(AuthTest, FailingPluginQuotesItsStderr) {
  Write("tokens", "x\n");
  Write("fail", "the SSO session expired; run sso login");
  auto c = ExecClient();
  auto r = c->Get(types::Namespace(), "", "default");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message.find("the SSO session expired"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("exec-credential.sh"), std::string::npos);
}

TEST_F(AuthTest, MissingPluginGivesTheInstallHint) {
  ExecConfig exec;
  exec.command = "sluice-no-such-credential-plugin";
  exec.install_hint = "install it from the platform team";
  RestConfig config = sim_->Config();
  auto r = RunExecPlugin(exec, config);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().hint, "install it from the platform team");
}

}  // namespace
}  // namespace sluice::k8s
