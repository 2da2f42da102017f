// A real `sluice serve` killed with SIGKILL at every step of a deployment and an upgrade
// (SLUICE_TEST_CRASH_AT, reconcile/crash_point.h: just before each deployer call, with its
// intent stored, and just after it, before its result is stored), then started again on
// the same data directory. Each time: never more than one cluster for the job, every
// savepoint the simulated JobManagers completed is recorded in the store, and the job ends
// RUNNING at the new version, restored from the upgrade's savepoint. The kill points are
// found by counting: the Nth call for N = 1, 2, ... until a run ends without a kill.
#include <signal.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "common/strings.h"
#include "deploy/preflight.h"
#include "deploy/request.h"
#include "spec/parse.h"
#include "spec/render.h"
#include "support.h"

namespace sluice::reconcile::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr const char* kKillNamespace = "kill";
constexpr const char* kPassword = "kill-test-password-1";

struct Outcome {
  bool killed = false;  // the server died at the crash point (else the run had fewer calls)
  std::string call;     // the call it died at
};

class ServeKillTest : public SimTest {
 protected:
  // A `sluice serve` on `data` that SIGKILLs itself at `crash_at` ("" = never).
  std::unique_ptr<ServeProcess> StartServe(const std::filesystem::path& data,
                                           const std::string& crash_at) {
    std::map<std::string, std::string> env;
    if (!crash_at.empty()) env["SLUICE_TEST_CRASH_AT"] = crash_at;
    return std::make_unique<ServeProcess>(data, kPassword, env, 10s);
  }

  // The spec of version 1 or 2 of job `name` in `mode`.
  std::string Text(const std::string& name, const std::string& mode, int version) {
    Edits e = {{"  namespace: lifecycle",
                std::string("  namespace: ") + kKillNamespace + "\n  cluster: sim"},
               {"upgradeMode: savepoint", "upgradeMode: " + mode},
               {"file:///tmp/lifecycle/savepoints", "file:///tmp/kill/" + name + "/savepoints"}};
    if (mode == "last-state") {  // needs Flink's HA, which keeps the latest checkpoint
      e.push_back({"    restart-strategy.type: none",
                   "    restart-strategy.type: none\n"
                   "    high-availability.type: kubernetes\n"
                   "    high-availability.storageDir: file:///tmp/kill/" +
                       name + "/ha"});
    }
    // Version 2 needs no more slots than 1 (an upgrade that cannot get its TaskManagers in
    // time on a loaded machine is rolled back, which is not what this test is about).
    if (version == 2) e.push_back({"interval: 1 s", "interval: 2 s"});
    return SpecText("jar", name, e);
  }

  json Body(const std::string& text) {
    auto spec = spec::LoadJobSpec(text, "kill");
    EXPECT_TRUE(spec.ok()) << spec.error().ToString();
    return spec.ok() ? json::parse(spec::RenderJson(*spec)) : json();
  }

  // One kill point: a server that dies at `crash_at` while job `name` is deployed and then
  // upgraded, then as many servers as it takes (without crash point) until the job runs
  // version 2. Checks the invariants throughout and at the end.
  Outcome Run(const std::string& name, const std::string& mode, const std::string& crash_at) {
    SCOPED_TRACE(name + " " + mode + " crash at " + crash_at);
    Outcome out;
    auto data = dir_.path() / name;
    auto request = deploy::MakeRequest(*spec::LoadJobSpec(Text(name, mode, 1), "kill"));
    std::string cluster_id = request->cluster_id;
    auto server = StartServe(data, crash_at);
    if (!server->Ready(60s, "kill")) {
      ADD_FAILURE() << "serve did not start: " << server->proc().err();
      return out;
    }
    int status = 0;
    server->Call("POST", "/api/v1/clusters",
                 {{"name", "sim"},
                  {"kind", "kubernetes"},
                  {"config", {{"context", "sluice-sim"}}},
                  {"secrets", {{"kubeconfig", sim_->Kubeconfig()}}}},
                 &status);
    EXPECT_EQ(status, 201);
    server->Call("POST", "/api/v1/jobs", Body(Text(name, mode, 1)), &status);
    EXPECT_EQ(status, 201);
    server->Call("POST", "/api/v1/jobs/" + name + "/actions/deploy", nullptr, &status);
    EXPECT_EQ(status, 202);

    int max_deployments = 0;
    bool done = false;
    auto deadline = Clock::now() + 120s;
    json job;
    while (!done && Clock::now() < deadline) {
      if (!server->proc().Running()) {
        EXPECT_EQ(server->proc().TermSignal(), SIGKILL) << server->proc().err();
        EXPECT_FALSE(out.killed) << "killed twice";
        out.killed = true;
        for (const auto& line : Split(server->proc().err(), '\n')) {
          if (line.find("\"reconcile.crash\"") == std::string::npos) continue;
          out.call = json::parse(line, nullptr, false).value("call", "?");
        }
        server = StartServe(data, "");
        if (!server->Ready(60s, "kill")) {
          ADD_FAILURE() << "serve did not start again: " << server->proc().err();
          return out;
        }
      }
      max_deployments = std::max(max_deployments, Deployments(kKillNamespace, cluster_id));
      job = server->Call("GET", "/api/v1/jobs/" + name);
      if (job.is_object() && job.contains("status")) {
        const json& s = job["status"];
        bool running = s.value("state", "") == "RUNNING" && s.value("step", json()).is_null();
        int64_t deployed = s.value("deployedVersion", int64_t{0});
        // A last-state upgrade is tested with a checkpoint to carry over.
        bool checkpointed = mode != "last-state" ||
                            !LatestCheckpointPath(kKillNamespace, cluster_id, "completed").empty();
        if (running && deployed == 1 && job.value("specVersion", 0) == 1 && checkpointed) {
          json v2 = Body(Text(name, mode, 2));
          v2["revision"] = job["revision"];
          server->Call("PUT", "/api/v1/jobs/" + name, v2);
        }
        done = running && deployed == 2;
      }
      std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(done) << "the job did not converge: " << job.dump() << "\nevents: "
                      << server->Call("GET", "/api/v1/jobs/" + name + "/events").dump() << "\n"
                      << server->proc().err();
    EXPECT_EQ(max_deployments, 1);
    EXPECT_EQ(Deployments(kKillNamespace, cluster_id), 1);

    // No savepoint lost: each one a simulated JobManager completed for this job (its own
    // directory) is a COMPLETED record; for savepoint upgrades, the new version restored
    // from the upgrade's.
    std::set<std::string> made, recorded;
    std::string prefix = "/tmp/kill/" + name + "/savepoints/";
    for (const auto& s : sim_->savepoints().List()) {
      std::string p = s.value("path", "");
      if (p.find(prefix) != std::string::npos) made.insert(p);
    }
    json rows = server->Call("GET", "/api/v1/jobs/" + name + "/savepoints");
    std::string upgrade_path;
    for (const auto& r : rows.value("savepoints", json::array())) {
      if (r.value("state", "") != "COMPLETED") continue;
      recorded.insert(r.value("path", ""));
      if (r.value("trigger", "") == "upgrade") upgrade_path = r.value("path", "");
    }
    EXPECT_EQ(made, recorded) << rows.dump();
    if (mode == "savepoint") {
      EXPECT_EQ(made.size(), 1u);
      EXPECT_FALSE(upgrade_path.empty()) << rows.dump();
      EXPECT_EQ(RestoredFrom(kKillNamespace, cluster_id), upgrade_path);
    } else {  // Flink's HA ConfigMaps carry the latest checkpoint over
      EXPECT_TRUE(made.empty());
      std::string restored = RestoredFrom(kKillNamespace, cluster_id);
      EXPECT_NE(restored.find("/chk-"), std::string::npos) << "restored from '" << restored << "'";
    }
    server->proc().Signal(SIGKILL);  // steady: how it ends does not matter
    server->proc().Wait(10s);
    return out;
  }

  // Every kill point before and after each call of a deployment and an upgrade in `mode`,
  // from call `first` on; returns how many calls a run makes.
  int EveryKillPoint(const std::string& mode, int first) {
    int calls = 0;
    for (std::string when : {"before", "after"}) {
      for (int n = first; n <= 20; ++n) {
        std::string name = "k" + mode.substr(0, 1) + "-" + when.substr(0, 1) + std::to_string(n);
        auto t0 = Clock::now();
        Outcome o = Run(name, mode, when + ":" + std::to_string(n));
        std::printf("%s %s:%d: %s (%.1fs)\n", mode.c_str(), when.c_str(), n,
                    o.killed ? o.call.c_str() : "no kill: all calls done",
                    std::chrono::duration<double>(Clock::now() - t0).count());
        if (::testing::Test::HasFailure()) return calls;
        if (!o.killed) break;
        calls = std::max(calls, n);
      }
    }
    return calls;
  }

  void SetUp() override {
    SimTest::SetUp();
    auto spec = spec::LoadJobSpec(Text("prep", "savepoint", 1), "kill");
    ASSERT_TRUE(spec.ok());
    auto request = deploy::MakeRequest(*spec);
    ASSERT_TRUE(request.ok());
    // The namespace and service account, as `sluice preflight --setup` makes them.
    ASSERT_TRUE(deploy::Preflight(*client_, *request, *spec->spec.target, {.setup = true}).ok());
  }
};

TEST_F(ServeKillTest, SavepointUpgradeSurvivesSigkillAtEveryStep) {
  // submit; then stop with savepoint, poll (one or more), delete, submit.
  EXPECT_GE(EveryKillPoint("savepoint", 1), 5);
}

TEST_F(ServeKillTest, LastStateUpgradeSurvivesSigkillAtEveryStep) {
  // submit; then delete (HA kept), submit.
  EXPECT_GE(EveryKillPoint("last-state", 2), 3);
}

}  // namespace
}  // namespace sluice::reconcile::testing
