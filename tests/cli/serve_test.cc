// `sluice serve` as a user runs it: a real process, real HTTP, real signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/fs.h"
#include "common/strings.h"
#include "http/client.h"
#include "store/database.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;
using testing::BackgroundProcess;
using testing::RunProcess;

std::string Binary() {
  return std::getenv("SLUICE_BIN");
}

// Starts `sluice serve` on a free port and reads the address it logged.
class RunningServer {
 public:
  explicit RunningServer(std::vector<std::string> extra) {
    std::vector<std::string> argv = {Binary(),      "serve",      "--listen",
                                     "127.0.0.1:0", "--data-dir", (dir_.path() / "var").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<BackgroundProcess>(argv);
    bool started = process_->WaitForStderr(
        [](const std::string& e) { return e.find("sluice.started") != std::string::npos; }, 20s);
    EXPECT_TRUE(started) << process_->err();
    for (const auto& line : Split(process_->err(), '\n')) {
      if (line.find("sluice.started") == std::string::npos) continue;
      base_ = "http://" + nlohmann::json::parse(line)["listen"].get<std::string>();
    }
  }
  Result<http::ClientResponse> Get(const std::string& path) {
    return http::Send({.url = base_ + path});
  }
  BackgroundProcess& process() { return *process_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  testing::TempDir dir_;
  std::unique_ptr<BackgroundProcess> process_;
  std::string base_;
};

int CountLines(const std::string& s) {
  int n = 0;
  for (const auto& line : Split(std::string(Trim(s)), '\n'))
    n += !line.empty();
  return n;
}

TEST(ServeTest, ServesHealthVersionAndStopsOnSigterm) {
  RunningServer server({});
  auto health = server.Get("/healthz");
  ASSERT_TRUE(health.ok()) << health.error().ToString();
  EXPECT_EQ(health->status, 200);
  auto ready = server.Get("/readyz");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200);
  auto version = server.Get("/api/v1/version");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(nlohmann::json::parse(version->body)["version"], "0.1.0");
  auto metrics = server.Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find(
                "sluice_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("sluice_build_info{"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(server.dir() / "var" / "sluice.db"));

  server.process().Signal(SIGTERM);
  EXPECT_EQ(server.process().Wait(10s), 0);
  EXPECT_NE(server.process().err().find("sluice.stopped"), std::string::npos);
  // Access log lines carry a request id.
  EXPECT_NE(server.process().err().find("\"request_id\""), std::string::npos);
}

TEST(ServeTest, ServesTheWebUiConfinedToItsDirectory) {
  testing::TempDir web;
  ASSERT_TRUE(
      WriteFileAtomic(web.path() / "index.html", "<!doctype html><title>Sluice</title>").ok());
  std::filesystem::create_directories(web.path() / "assets");
  ASSERT_TRUE(WriteFileAtomic(web.path() / "assets" / "app-1234.js", "console.log(1)").ok());
  RunningServer server({"--web-dir", web.path().string()});
  auto index = server.Get("/");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("<title>Sluice"), std::string::npos);
  EXPECT_EQ(server.Get("/jobs/orders")->body, index->body);  // the UI's own routes
  auto js = server.Get("/assets/app-1234.js");
  EXPECT_EQ(js->headers["Content-Type"], "text/javascript; charset=utf-8");
  EXPECT_NE(js->headers["Cache-Control"].find("immutable"), std::string::npos);
  EXPECT_EQ(server.Get("/assets/missing.js")->status, 404);
  EXPECT_EQ(server.Get("/..%2f..%2f..%2fetc%2fpasswd")->status, 404);
  EXPECT_EQ(server.Get("/api/v1/nothing")->status, 404);
}

TEST(ServeTest, UnknownConfigKeyStopsStartUpWithOneLine) {
  testing::TempDir dir;
  auto file = dir.path() / "sluice.yaml";
  ASSERT_TRUE(WriteFileAtomic(file, "lisen: 127.0.0.1:8080\n").ok());
  auto r = RunProcess({Binary(), "serve", "--config", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(file.string() + ":1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown key \"lisen\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean \"listen\""), std::string::npos) << r.err;
}

TEST(ServeTest, BadPortStopsStartUp) {
  auto r = RunProcess({Binary(), "serve", "--listen", "127.0.0.1:99999"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--listen"), std::string::npos) << r.err;
}

TEST(ServeTest, PortInUseStopsStartUp) {
  RunningServer first({});
  std::string addr;
  for (const auto& line : Split(first.process().err(), '\n')) {
    if (line.find("sluice.started") != std::string::npos)
      addr = nlohmann::json::parse(line)["listen"];
  }
  testing::TempDir dir;
  auto r = RunProcess({Binary(), "serve", "--listen", addr, "--data-dir", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(addr), std::string::npos) << r.err;
}

TEST(ServeTest, OneServerPerDataDirectoryWhichKeepsItsReplicaId) {
  std::string id;
  {
    RunningServer first({});
    auto r = RunProcess({Binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                         (first.dir() / "var").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("another sluice serve uses the data directory"), std::string::npos)
        << r.err;
    for (const auto& line : Split(first.process().err(), '\n')) {
      if (line.find("sluice.started") != std::string::npos)
        id = nlohmann::json::parse(line).value("replica", "");
    }
    auto kept = ReadFile(first.dir() / "var" / "replica-id");
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(Trim(*kept), id);
    EXPECT_FALSE(id.empty());
    // Killed, the lock goes with the process: the next server starts, with the same id.
    first.process().Signal(SIGKILL);
    first.process().Wait(10s);
    BackgroundProcess again({Binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                             (first.dir() / "var").string()});
    EXPECT_TRUE(again.WaitForStderr(
        [](const std::string& e) { return e.find("sluice.started") != std::string::npos; }, 20s))
        << again.err();
    EXPECT_NE(again.err().find("\"replica\":\"" + id + "\""), std::string::npos) << again.err();
  }
}

TEST(ServeTest, UnreachablePostgresStopsStartUpWithoutThePassword) {
  auto r =
      RunProcess({Binary(), "serve", "--db", "postgresql://sluice:hunter2@127.0.0.1:1/sluice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot connect to PostgreSQL"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
}

TEST(ServeTest, ReadOnlyDataDirectoryStopsStartUp) {
  testing::TempDir dir;
  auto data = dir.path() / "ro";
  std::filesystem::create_directories(data);
  std::filesystem::permissions(
      data, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
                std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  std::vector<std::string> argv = {Binary(), "serve", "--data-dir", data.string()};
  if (geteuid() == 0) {
    // Root writes anywhere; run as nobody so the permission means something.
    argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  }
  auto r = RunProcess(argv);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("not writable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(data.string()), std::string::npos) << r.err;
}

TEST(ServeTest, RunsOnPostgres) {
  std::string base = testing::PostgresUrl();
  auto db = store::OpenDatabase(base, 1);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  ASSERT_TRUE((*db)
                  ->WithConnection([](store::Connection& c) {
                    return c.ExecuteScript(
                        "DROP SCHEMA IF EXISTS serve_test CASCADE; CREATE SCHEMA serve_test");
                  })
                  .ok());
  RunningServer server({"--db", base + "?options=-csearch_path%3Dserve_test"});
  auto ready = server.Get("/readyz");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_NE(server.process().err().find("postgresql://"), std::string::npos);
}

}  // namespace
}  // namespace sluice
