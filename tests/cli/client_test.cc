// The `sluice` client against a real `sluice serve`: login, clusters, teams, users, jobs,
// output formats, error messages, logout; and the first start's administrator.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/fs.h"
#include "common/strings.h"
#include "http/client.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using testing::BackgroundProcess;
using testing::ProcessOptions;
using testing::RunProcess;

constexpr const char* kAdminPassword = "the-first-admin-password";

std::string Binary() {
  return std::getenv("SLUICE_BIN");
}
std::string Data(const std::string& name) {
  return (testing::SourceDir() / "tests/cli/data" / name).string();
}

class Server {
 public:
  Server(const std::filesystem::path& data_dir, std::map<std::string, std::string> env) {
    ProcessOptions o;
    o.env = std::move(env);
    o.unset_env = {"SLUICE_BOOTSTRAP_ADMIN_PASSWORD", "SLUICE_SECRET_KEY", "SLUICE_SERVER",
                   "SLUICE_TOKEN"};
    for (const auto& [k, v] : o.env)
      o.unset_env.erase(std::remove(o.unset_env.begin(), o.unset_env.end(), k), o.unset_env.end());
    // The client is under test, not the reconciler: jobs keep the state the API gives them.
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{Binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                                 data_dir.string(), "--reconcile-workers", "0"},
        o);
    started_ = process_->WaitForStderr(
        [](const std::string& e) { return e.find("sluice.started") != std::string::npos; }, 30s);
    for (const auto& line : Split(process_->err(), '\n')) {
      if (line.find("sluice.started") != std::string::npos) {
        url_ = "http://" + json::parse(line)["listen"].get<std::string>();
      }
    }
  }
  bool started() const { return started_; }
  const std::string& url() const { return url_; }
  BackgroundProcess& process() { return *process_; }

 private:
  std::unique_ptr<BackgroundProcess> process_;
  std::string url_;
  bool started_ = false;
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(
        dir_.path() / "var",
        std::map<std::string, std::string>{{"SLUICE_BOOTSTRAP_ADMIN_PASSWORD", kAdminPassword}});
    ASSERT_TRUE(server_->started()) << server_->process().err();
  }

  testing::ProcessOutput Sluice(std::vector<std::string> args, const std::string& stdin_data = "") {
    args.insert(args.begin(), Binary());
    ProcessOptions o;
    o.env = {{"XDG_CONFIG_HOME", (dir_.path() / "config").string()},
             {"SLUICE_SERVER", server_->url()}};
    o.unset_env = {"SLUICE_TOKEN"};
    o.stdin_data = stdin_data;
    return RunProcess(args, o);
  }

  void Login() {
    auto r = Sluice({"login", "--user", "admin", "--password-stdin"},
                    std::string(kAdminPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::filesystem::path ConfigFile() { return dir_.path() / "config" / "sluice" / "config.yaml"; }

  testing::TempDir dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(ClientTest, LoginKeepsAPrivateTokenAndLogoutRevokesIt) {
  auto r = Sluice({"login", "--server", server_->url(), "-u", "admin", "--password-stdin"},
                  std::string(kAdminPassword) + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Logged in to " + server_->url() + " as admin"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kAdminPassword), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(ConfigFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string config = ReadFile(ConfigFile()).value();
  EXPECT_NE(config.find("server: " + server_->url()), std::string::npos) << config;
  size_t at = config.find("token: slc_");
  ASSERT_NE(at, std::string::npos) << config;
  std::string token(Trim(config.substr(at + 7, config.find('\n', at) - at - 7)));

  auto who = Sluice({"whoami", "-o", "json"});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  EXPECT_EQ(json::parse(who.out)["name"], "admin");

  auto out = Sluice({"logout"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(ReadFile(ConfigFile())->find("token:"), std::string::npos);
  auto revoked = http::Send({.url = server_->url() + "/api/v1/auth/me",
                             .headers = {{"Authorization", "Bearer " + token}}});
  EXPECT_EQ(revoked->status, 401);
  auto after = Sluice({"clusters", "list"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_NE(after.err.find("sluice login"), std::string::npos) << after.err;

  auto wrong = Sluice({"login", "-u", "admin", "--password-stdin"}, "not-the-password\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("invalid user name or password"), std::string::npos) << wrong.err;
}

TEST_F(ClientTest, ClustersApplyListGetDelete) {
  Login();
  ASSERT_EQ(Sluice({"teams", "create", "data"}).exit_code, 0);
  auto applied = Sluice({"clusters", "apply", "-f", Data("cluster-prod.yaml")});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(applied.out, "cluster/prod created\ncluster/flink-1-20 created\n");
  auto again = Sluice({"clusters", "apply", "-f", Data("cluster-prod.yaml")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "cluster/prod configured\ncluster/flink-1-20 configured\n");

  auto table = Sluice({"clusters", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  auto lines = Split(std::string(Trim(table.out)), '\n');
  ASSERT_EQ(lines.size(), 3u) << table.out;
  EXPECT_TRUE(lines[0].starts_with("NAME")) << table.out;
  EXPECT_NE(table.out.find("prod "), std::string::npos);
  EXPECT_NE(table.out.find("kubernetes"), std::string::npos);

  auto as_json = Sluice({"clusters", "get", "prod", "-o", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  json c = json::parse(as_json.out);
  EXPECT_EQ(c["secrets"]["kubeconfig"], true);
  EXPECT_EQ(c["revision"], 2);
  EXPECT_EQ(as_json.out.find("kubeconfig-secret-token-value"), std::string::npos);
  auto as_yaml = Sluice({"clusters", "get", "flink-1-20", "-o", "yaml"});
  EXPECT_NE(as_yaml.out.find("version: \"1.20\""), std::string::npos) << as_yaml.out;
  EXPECT_EQ(Sluice({"clusters", "list", "-o", "xml"}).exit_code, 2);

  auto invalid = Sluice({"clusters", "apply", "-f", Data("cluster-invalid.yaml")});
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.err.find("config.resourceManagerUrl"), std::string::npos) << invalid.err;
  EXPECT_NE(invalid.err.find("config.queeu"), std::string::npos) << invalid.err;
  auto missing_file = Sluice({"clusters", "apply", "-f", Data("nope.yaml")});
  EXPECT_EQ(missing_file.exit_code, 1);
  EXPECT_NE(missing_file.err.find("nope.yaml"), std::string::npos) << missing_file.err;

  EXPECT_EQ(Sluice({"clusters", "delete", "prod"}).exit_code, 0);
  auto gone = Sluice({"clusters", "get", "prod"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("cluster \"prod\" not found"), std::string::npos) << gone.err;
}

TEST_F(ClientTest, TeamsAndUsers) {
  Login();
  ASSERT_EQ(Sluice({"teams", "create", "data", "--description", "Data engineering"}).exit_code, 0);
  auto created = Sluice({"users", "create", "bob", "--display-name", "Bob", "--password-stdin"},
                        "bobs-long-password\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_EQ(Sluice({"teams", "add-member", "data", "bob", "--role", "developer"}).exit_code, 0);
  auto team = Sluice({"teams", "get", "data"});
  EXPECT_NE(team.out.find("bob    developer"), std::string::npos) << team.out;
  auto users = Sluice({"users", "list", "-o", "json"});
  ASSERT_EQ(users.exit_code, 0) << users.err;
  EXPECT_EQ(json::parse(users.out).size(), 2u);
  auto bob = Sluice({"users", "get", "bob", "-o", "json"});
  EXPECT_EQ(json::parse(bob.out)["teams"][0]["role"], "developer");
  EXPECT_EQ(Sluice({"users", "update", "bob", "--disable"}).exit_code, 0);
  EXPECT_EQ(json::parse(Sluice({"users", "get", "bob", "-o", "json"}).out)["disabled"], true);
  auto weak = Sluice({"users", "create", "tim", "--password-stdin"}, "short\n");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.err.find("password: the password must be at least 10 characters"),
            std::string::npos)
      << weak.err;
  EXPECT_EQ(Sluice({"teams", "remove-member", "data", "bob"}).exit_code, 0);

  auto passwd = Sluice({"users", "passwd", "--password-stdin"},
                       std::string(kAdminPassword) + "\nthe-second-password\n");
  ASSERT_EQ(passwd.exit_code, 0) << passwd.err;
  auto relogin = Sluice({"login", "-u", "admin", "--password-stdin"}, "the-second-password\n");
  EXPECT_EQ(relogin.exit_code, 0) << relogin.err;
}

TEST_F(ClientTest, JobsApplyListGetDeployStopSavepointEvents) {
  Login();
  ASSERT_EQ(Sluice({"teams", "create", "data"}).exit_code, 0);
  auto created = Sluice({"jobs", "apply", "-f", Data("job-orders.yaml")});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "job/orders created\n");
  EXPECT_EQ(Sluice({"jobs", "apply", "-f", Data("job-orders.yaml")}).out, "job/orders unchanged\n");
  auto v2 = Sluice({"jobs", "apply", "-f", Data("job-orders-v2.yaml")});
  ASSERT_EQ(v2.exit_code, 0) << v2.err;
  EXPECT_EQ(v2.out, "job/orders configured (version 2)\n");

  auto table = Sluice({"jobs", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  auto lines = Split(std::string(Trim(table.out)), '\n');
  ASSERT_EQ(lines.size(), 2u) << table.out;
  EXPECT_TRUE(lines[0].starts_with("NAME")) << table.out;
  EXPECT_NE(lines[1].find("DRAFT"), std::string::npos) << table.out;
  EXPECT_EQ(json::parse(Sluice({"jobs", "list", "-o", "json", "--team", "data"}).out).size(), 1u);
  EXPECT_NE(Sluice({"jobs", "list", "-o", "yaml"}).out.find("name: orders"), std::string::npos);
  json job = json::parse(Sluice({"jobs", "get", "orders", "-o", "json"}).out);
  EXPECT_EQ(job["specVersion"], 2);
  EXPECT_EQ(job["spec"]["spec"]["parallelism"], 4);

  auto deploy = Sluice({"jobs", "deploy", "orders"});
  ASSERT_EQ(deploy.exit_code, 0) << deploy.err;
  EXPECT_EQ(deploy.out, "job/orders: deploy requested\n");
  auto again = Sluice({"jobs", "deploy", "orders"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already deployed"), std::string::npos) << again.err;
  // Nothing observed it running yet (no reconciler here): a savepoint makes no sense.
  auto savepoint = Sluice({"jobs", "savepoint", "orders"});
  EXPECT_EQ(savepoint.exit_code, 1);
  EXPECT_NE(savepoint.err.find("is not running"), std::string::npos) << savepoint.err;
  auto stop = Sluice({"jobs", "stop", "orders", "--no-savepoint", "-o", "json"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(json::parse(stop.out)["job"]["intent"]["stopWithSavepoint"], false);
  EXPECT_EQ(json::parse(stop.out)["job"]["intent"]["desiredState"], "CANCELED");

  auto events = Sluice({"jobs", "events", "orders", "-o", "json"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  std::vector<std::string> types;
  for (const auto& e : json::parse(events.out))
    types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"created", "spec-updated", "action", "action"}));
  auto missing = Sluice({"jobs", "get", "nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("job \"nope\""), std::string::npos) << missing.err;

  // Nothing failed yet; the table has its header only.
  auto exceptions = Sluice({"jobs", "exceptions", "orders", "-o", "json"});
  ASSERT_EQ(exceptions.exit_code, 0) << exceptions.err;
  EXPECT_EQ(json::parse(exceptions.out)["exceptions"], json::array());
  auto listed = Sluice({"jobs", "exceptions", "orders"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("EXCEPTION"), std::string::npos) << listed.out;
  // No Flink cluster runs here (and serve may have no log source): the server's refusal
  // as an error, and none of its JSON on stdout.
  auto logs = Sluice({"jobs", "logs", "orders", "--taskmanager", "--tail", "5"});
  EXPECT_NE(logs.exit_code, 0);
  EXPECT_EQ(logs.out, "");
  EXPECT_NE(logs.err.find("log"), std::string::npos) << logs.err;
}

TEST(FirstStartTest, PrintsARandomAdminPasswordOnceOutsideTheLog) {
  testing::TempDir dir;
  std::string password;
  {
    Server first(dir.path() / "var", {});
    ASSERT_TRUE(first.started()) << first.process().err();
    std::string err = first.process().err();
    size_t at = err.find("with the password ");
    ASSERT_NE(at, std::string::npos) << err;
    password = err.substr(at + 18, err.find('\n', at) - at - 18);
    EXPECT_EQ(password.size(), 20u);
    for (const auto& line : Split(err, '\n')) {
      if (line.starts_with("{")) {
        EXPECT_EQ(line.find(password), std::string::npos) << "in the log: " << line;
      }
    }
    auto token = http::Send(
        {.method = "POST",
         .url = first.url() + "/api/v1/auth/tokens",
         .headers = {{"Authorization", "Basic " + crypto::Base64Encode("admin:" + password)}},
         .body = R"({"name":"t"})"});
    EXPECT_EQ(token->status, 201) << token->body;
  }
  Server again(dir.path() / "var", {});
  ASSERT_TRUE(again.started());
  EXPECT_EQ(again.process().err().find("with the password"), std::string::npos);
  EXPECT_EQ(again.process().err().find(password), std::string::npos);
}

TEST(FirstStartTest, ASharedSecretKeyComesFromTheEnvironment) {
  testing::TempDir dir;
  auto bad = RunProcess(
      {Binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "var").string()},
      {.env = {{"SLUICE_SECRET_KEY", "not-a-key"}}});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("SLUICE_SECRET_KEY"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("not-a-key"), std::string::npos) << bad.err;
  Server good(dir.path() / "var",
              {{"SLUICE_SECRET_KEY", crypto::Base64Encode(std::string(32, 'k'))},
               {"SLUICE_BOOTSTRAP_ADMIN_PASSWORD", kAdminPassword}});
  ASSERT_TRUE(good.started()) << good.process().err();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "var" / "secret.key"));
}

}  // namespace
}  // namespace sluice
