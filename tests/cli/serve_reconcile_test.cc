// `sluice serve` with the job controller on: it leases and reconciles the jobs in its
// database, shows it on /metrics, and gives its leases up when it stops.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "cli/serve_config.h"
#include "common/strings.h"
#include "http/client.h"
#include "store/store.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

template <typename F>
bool WaitFor(F done, std::chrono::seconds deadline = 30s) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

TEST(ServeReconcileConfigTest, KeysAndTheirChecks) {
  auto c = cli::LoadServeConfig({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->reconcile_workers, 4);  // on unless turned off
  auto on = cli::LoadServeConfig(
      {.env = {{"SLUICE_REPLICA_ID", "a-1"}},
       .flags = {
           {"reconcile-workers", "8"}, {"reconcile-lease", "15s"}, {"reconcile-resync", "2m"}}});
  ASSERT_TRUE(on.ok()) << on.error().ToString();
  EXPECT_EQ(on->reconcile_workers, 8);
  EXPECT_EQ(on->reconcile_lease, 15s);
  EXPECT_EQ(on->reconcile_resync, 120s);
  EXPECT_EQ(on->replica_id, "a-1");
  auto workers = cli::LoadServeConfig({.flags = {{"reconcile-workers", "-1"}}});
  ASSERT_FALSE(workers.ok());
  EXPECT_EQ(workers.error().where, "--reconcile-workers");
  EXPECT_FALSE(cli::LoadServeConfig({.flags = {{"reconcile-lease", "10ms"}}}).ok());
  EXPECT_FALSE(cli::LoadServeConfig({.flags = {{"reconcile-lease", "30"}}}).ok());
  EXPECT_FALSE(cli::LoadServeConfig({.flags = {{"reconcile-resync", "0s"}}}).ok());
  EXPECT_FALSE(cli::LoadServeConfig({.flags = {{"replica-id", "has space"}}}).ok());

  EXPECT_EQ(c->jobmanager_poll, 3s);  // on unless turned off
  auto poll = cli::LoadServeConfig({.flags = {{"jobmanager-poll", "500ms"}}});
  ASSERT_TRUE(poll.ok()) << poll.error().ToString();
  EXPECT_EQ(poll->jobmanager_poll, 500ms);
  auto off = cli::LoadServeConfig({.env = {{"SLUICE_JOBMANAGER_POLL", "0"}}});
  ASSERT_TRUE(off.ok()) << off.error().ToString();
  EXPECT_EQ(off->jobmanager_poll, 0ms);
  auto fast = cli::LoadServeConfig({.flags = {{"jobmanager-poll", "10ms"}}});
  ASSERT_FALSE(fast.ok());
  EXPECT_EQ(fast.error().where, "--jobmanager-poll");
}

TEST(ServeReconcileTest, LeasesReconcilesAndReleasesOnSigterm) {
  testing::TempDir dir;
  auto var = dir.path() / "var";
  testing::BackgroundProcess server({std::getenv("SLUICE_BIN"), "serve", "--listen", "127.0.0.1:0",
                                     "--data-dir", var.string(), "--reconcile-workers", "2",
                                     "--reconcile-resync", "1s", "--replica-id",
                                     "replica-under-test"});
  std::string base;
  ASSERT_TRUE(server.WaitForStderr(
      [](const std::string& e) { return e.find("sluice.started") != std::string::npos; }, 20s))
      << server.err();
  for (const auto& line : Split(server.err(), '\n')) {
    if (line.find("sluice.started") == std::string::npos) continue;
    auto started = nlohmann::json::parse(line);
    base = "http://" + started["listen"].get<std::string>();
    EXPECT_EQ(started["replica"], "replica-under-test");
  }

  auto store = store::Store::Open("sqlite://" + (var / "sluice.db").string());
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  store::Job j;
  j.name = "orders";
  j.desired_state = "CANCELED";
  j.state = "DRAFT";
  auto job = (*store)->CreateJob(j, {.spec_json = "{}"});
  ASSERT_TRUE(job.ok()) << job.error().ToString();

  // The resync finds the job; a pass runs under this replica's lease.
  EXPECT_TRUE(WaitFor([&] {
    auto lease = (*store)->GetLease(job->id);
    return lease.ok() && lease->holder == "replica-under-test";
  }));
  // The reconciler itself ran: a spec it cannot use is reported in the job's status, and
  // the pass is counted (as an error, so the controller backs off).
  EXPECT_TRUE(WaitFor([&] {
    auto seen = (*store)->GetJob(job->id);
    return seen.ok() && seen->status_json.find("cannot be used") != std::string::npos;
  }));
  EXPECT_TRUE(WaitFor([&] {
    auto metrics = http::Send({.url = base + "/metrics"});
    return metrics.ok() && metrics->body.find("sluice_reconcile_passes_total{result=\"error\"}") !=
                               std::string::npos;
  }));

  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(20s), 0) << server.err();
  EXPECT_NE(server.err().find("reconcile.controller.stopped"), std::string::npos);
  EXPECT_EQ((*store)->GetLease(job->id)->holder, "");  // released for the other replicas
}

}  // namespace
}  // namespace sluice
