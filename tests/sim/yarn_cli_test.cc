// The YARN ResourceManager REST subset and the fake flink CLI that drives it (and the
// standalone cluster), with the lines the real CLI prints and argv passed unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "common/fs.h"
#include "sim/test_support.h"

namespace sluice::sim::testing {
namespace {

namespace fs = std::filesystem;

class YarnCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SimOptions o = FastOptions();
    o.yarn_listen = "127.0.0.1:0";
    sim_ = StartSim(o);
    c_ = std::make_unique<Client>(*sim_);
    home_ = tmp_.path() / "flink-1.20.1";
    fs::create_directories(home_ / "bin");
    fs::create_directories(home_ / "lib");
    fs::create_directories(home_ / "conf");
    const char* bin = std::getenv("SLUICE_SIM_FLINK_BIN");
    ASSERT_NE(bin, nullptr) << "SLUICE_SIM_FLINK_BIN is not set (CTest sets it)";
    fs::copy_file(bin, home_ / "bin/flink");
    std::ofstream(home_ / "lib/flink-dist-1.20.1.jar") << "";
    fs::copy_file(sluice::testing::ReferenceDir() / "flink-dist-conf/flink-1.20.4/config.yaml",
                  home_ / "conf/config.yaml");
    ASSERT_TRUE(WriteFileAtomic(tmp_.path() / "ca.pem", sim_->pki().ca.cert_pem).ok());
    json conf = {{"admin", sim_->url()},
                 {"token", sim_->token()},
                 {"caFile", (tmp_.path() / "ca.pem").string()}};
    ASSERT_TRUE(WriteFileAtomic(home_ / "conf/sluice-sim.json", conf.dump()).ok());
    jar_ = (tmp_.path() / "job.jar").string();
    std::ofstream(jar_) << "PK fake jar";
    argv_file_ = (tmp_.path() / "argv.txt").string();
  }

  ProcessResult Flink(std::vector<std::string> args) {
    args.insert(args.begin(), (home_ / "bin/flink").string());
    fs::remove(argv_file_);
    return RunProcess(args, {{"SLUICE_SIM_FLINK_ARGV_FILE", argv_file_}}, std::chrono::seconds(60));
  }

  json Yarn(const std::string& method, const std::string& path, const std::string& body = "") {
    http::ClientRequest req;
    req.method = method;
    req.url = sim_->yarn_url() + path;
    req.body = body;
    if (!body.empty()) req.headers["Content-Type"] = "application/json";
    auto r = http::Send(req);
    if (!r.ok()) return nullptr;
    json j = json::parse(r->body, nullptr, false);
    if (j.is_discarded()) j = json::object();
    j["__status"] = r->status;
    return j;
  }

  static std::string Match(const std::string& text, const std::string& re) {
    std::smatch m;
    if (std::regex_search(text, m, std::regex(re))) return m[1];
    return "";
  }

  sluice::testing::TempDir tmp_;
  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<Client> c_;
  fs::path home_;
  std::string jar_, argv_file_;
};

TEST_F(YarnCliTest, YarnApplicationLifecycleThroughTheCli) {
  std::vector<std::string> args = {"run-application",
                                   "-t",
                                   "yarn-application",
                                   "-Dyarn.application.name=orders",
                                   "-Dparallelism.default=2",
                                   "-Dstate.savepoints.dir=hdfs:///savepoints",
                                   "-c",
                                   "com.acme.Main",
                                   "local:///opt/flink/usrlib/job.jar",
                                   "--input",
                                   "a b",
                                   "$(touch /tmp/pwned)",
                                   ";",
                                   "&& echo x",
                                   "'\"q\"'"};
  auto r = Flink(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string app = Match(r.out, "Submitted application (application_[0-9]+_[0-9]{4})");
  ASSERT_FALSE(app.empty()) << r.out;
  EXPECT_NE(r.out.find("Found Web Interface 127.0.0.1:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" of application '" + app + "'."), std::string::npos) << r.out;
  // Every argv element arrived unchanged.
  std::ifstream in(argv_file_);
  std::vector<std::string> seen;
  for (std::string line; std::getline(in, line);)
    seen.push_back(json::parse(line).get<std::string>());
  ASSERT_EQ(seen.size(), args.size() + 1);
  for (size_t i = 0; i < args.size(); ++i)
    EXPECT_EQ(seen[i + 1], args[i]);
  EXPECT_FALSE(fs::exists("/tmp/pwned"));

  // The ResourceManager knows the application; its tracking URL leads to the JobManager.
  json a;
  ASSERT_TRUE(Eventually([&] {
    a = Yarn("GET", "/ws/v1/cluster/apps/" + app);
    return a["app"].value("state", "") == "RUNNING";
  })) << a.dump();
  EXPECT_EQ(a["app"]["name"], "orders");
  EXPECT_EQ(a["app"]["applicationType"], "Apache Flink");
  std::string tracking = a["app"]["trackingUrl"];
  auto list = Yarn("GET", "/ws/v1/cluster/apps?states=RUNNING");
  EXPECT_EQ(list["apps"]["app"][0]["id"], app);
  std::string jid;
  ASSERT_TRUE(Eventually([&] {
    auto r2 = http::Send({.method = "GET", .url = tracking + "jobs/overview"});
    if (!r2.ok() || r2->status != 200) return false;
    json j = json::parse(r2->body);
    if (j["jobs"].empty() || j["jobs"][0]["state"] != "RUNNING") return false;
    jid = j["jobs"][0]["jid"];
    return true;
  }));

  auto listed = Flink({"list", "-t", "yarn-application", "-Dyarn.application.id=" + app});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(" : " + jid + " : Flink Streaming Job (RUNNING)"), std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find("------------------ Running/Restarting Jobs -------------------"),
            std::string::npos);

  auto sp = Flink({"savepoint", "-yid", app, jid, "hdfs:///manual"});
  ASSERT_EQ(sp.exit_code, 0) << sp.out << sp.err;
  EXPECT_NE(sp.out.find("Triggering savepoint for job " + jid + "."), std::string::npos) << sp.out;
  EXPECT_NE(
      sp.out.find("Savepoint completed. Path: hdfs:///manual/savepoint-" + jid.substr(0, 6) + "-"),
      std::string::npos)
      << sp.out;

  auto stop = Flink({"stop", "-t", "yarn-application", "-Dyarn.application.id=" + app,
                     "--savepointPath", "hdfs:///stop", jid});
  ASSERT_EQ(stop.exit_code, 0) << stop.out << stop.err;
  EXPECT_NE(stop.out.find("Suspending job \"" + jid + "\" with a CANONICAL savepoint."),
            std::string::npos)
      << stop.out;
  EXPECT_NE(stop.out.find("Savepoint completed. Path: hdfs:///stop/savepoint-"), std::string::npos)
      << stop.out;
  EXPECT_TRUE(Eventually([&] {
    a = Yarn("GET", "/ws/v1/cluster/apps/" + app);
    return a["app"].value("state", "") == "FINISHED" &&
           a["app"].value("finalStatus", "") == "SUCCEEDED";
  })) << a.dump();

  auto gone = Flink({"list", "-yid", app});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("The Yarn application " + app + " doesn't run anymore."),
            std::string::npos)
      << gone.err;
}

TEST_F(YarnCliTest, PerJobCancelAndKill) {
  auto r = Flink({"run", "-t", "yarn-per-job", "-d", "-p", "2", "-s", "hdfs:///sp/savepoint-abc",
                  jar_, "arg1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string jid = Match(r.out, "Job has been submitted with JobID ([0-9a-f]{32})");
  std::string app = Match(r.out, "Submitted application (application_[0-9]+_[0-9]{4})");
  ASSERT_FALSE(jid.empty()) << r.out;
  auto cancel = Flink({"cancel", "-t", "yarn-per-job", "-Dyarn.application.id=" + app, jid});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("Cancelling job " + jid + "."), std::string::npos);
  EXPECT_NE(cancel.out.find("Cancelled job " + jid + "."), std::string::npos);

  auto r2 = Flink({"run", "-t", "yarn-per-job", "-d", jar_});
  std::string app2 = Match(r2.out, "Submitted application (application_[0-9]+_[0-9]{4})");
  ASSERT_FALSE(app2.empty());
  auto killed = Yarn("PUT", "/ws/v1/cluster/apps/" + app2 + "/state", "{\"state\":\"KILLED\"}");
  EXPECT_EQ(killed["__status"], 202);
  auto a = Yarn("GET", "/ws/v1/cluster/apps/" + app2);
  EXPECT_EQ(a["app"]["state"], "KILLED");
  EXPECT_EQ(a["app"]["finalStatus"], "KILLED");
  auto missing = Yarn("GET", "/ws/v1/cluster/apps/application_1_9999");
  EXPECT_EQ(missing["__status"], 404);
  EXPECT_EQ(missing["RemoteException"]["exception"], "NotFoundException");

  auto no_jar = Flink({"run", "-t", "yarn-per-job", "/nonexistent/job.jar"});
  EXPECT_EQ(no_jar.exit_code, 1);
  EXPECT_NE(no_jar.err.find("JAR file does not exist: /nonexistent/job.jar"), std::string::npos)
      << no_jar.err;
}

TEST_F(YarnCliTest, RemoteStandaloneSession) {
  auto s = c_->Post("/sim/v1/standalone", {{"listen", "127.0.0.1:0"}});
  ASSERT_EQ(s.status, 201) << s.raw;
  std::string url = s.body["url"];
  std::string hostport = url.substr(std::string("http://").size());
  auto r = Flink({"run", "-m", hostport, "-d", "-c", "com.acme.Job", jar_, "--x", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string jid = Match(r.out, "Job has been submitted with JobID ([0-9a-f]{32})");
  ASSERT_FALSE(jid.empty());
  ASSERT_TRUE(Eventually([&] {
    auto l = Flink({"list", "-r", "-m", hostport});
    return l.out.find(jid + " : Flink Streaming Job (RUNNING)") != std::string::npos;
  }));
  auto cancel = Flink({"cancel", "-m", hostport, jid});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  auto bad = Flink({"cancel", "-m", hostport});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("Missing JobID"), std::string::npos);
  auto version = Flink({"--version"});
  EXPECT_NE(version.out.find("Version: 1.20.1"), std::string::npos);
}

}  // namespace
}  // namespace sluice::sim::testing
