// Two real `sluice serve` replicas on one PostgreSQL: one is killed with SIGKILL (no
// release, no goodbye); its jobs' leases expire and the other replica takes every one of
// them over, each with a new fencing generation.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>
#include <thread>

#include "common/crypto.h"
#include "store/store.h"
#include "store/store_backends.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice::reconcile {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

template <typename F>
bool WaitFor(F done, std::chrono::seconds deadline = 60s) {
  auto end = Clock::now() + deadline;
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

std::unique_ptr<sluice::testing::BackgroundProcess> StartReplica(
    const std::string& id, const std::string& db, const std::filesystem::path& data_dir,
    const std::string& key) {
  auto p = std::make_unique<sluice::testing::BackgroundProcess>(
      std::vector<std::string>{std::getenv("SLUICE_BIN"),
                               "serve",
                               "--listen",
                               "127.0.0.1:0",
                               "--data-dir",
                               data_dir.string(),
                               "--db",
                               db,
                               "--secret-key",
                               key,
                               "--bootstrap-admin-password",
                               "not-used-here-1234",
                               "--log-level",
                               "warn",
                               "--reconcile-workers",
                               "2",
                               "--reconcile-lease",
                               "3s",
                               "--reconcile-resync",
                               "1s",
                               "--replica-id",
                               id});
  return p;
}

std::map<std::string, int> Holders(store::Store& store) {
  std::map<std::string, int> out;
  for (const auto& l : store.ListLeases("").value_or({}))
    ++out[l.holder];
  return out;
}

TEST(ServeCrashTest, SigkilledReplicasJobsMoveToTheSurvivor) {
  store::testing::Backend backend("postgres");
  auto store = store::Store::Open(backend.url());
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  constexpr int kJobs = 20;
  for (int i = 0; i < kJobs; ++i) {
    store::Job j;
    j.name = "job-" + std::to_string(i);
    j.desired_state = "RUNNING";
    j.state = "DRAFT";
    ASSERT_TRUE((*store)->CreateJob(j, {.spec_json = "{}"}).ok());
  }
  sluice::testing::TempDir dir;
  std::string key = crypto::Base64Encode(std::string(32, 'k'));
  // One after the other: the first start also makes the administrator.
  auto a = StartReplica("replica-a", backend.url(), dir.path() / "a", key);
  ASSERT_TRUE(WaitFor([&] { return Holders(**store)["replica-a"] == kJobs; })) << a->err();
  auto b = StartReplica("replica-b", backend.url(), dir.path() / "b", key);
  std::this_thread::sleep_for(2s);  // b is up and retrying a's leases; a keeps renewing
  EXPECT_EQ(Holders(**store)["replica-a"], kJobs) << b->err();

  a->Signal(SIGKILL);
  a->Wait(10s);
  Clock::time_point killed = Clock::now();
  EXPECT_TRUE(WaitFor([&] { return Holders(**store)["replica-b"] == kJobs; }))
      << "replica-b: " << b->err();
  double seconds = std::chrono::duration<double>(Clock::now() - killed).count();
  std::printf("all %d jobs moved to replica-b %.2fs after SIGKILL (lease 3s)\n", kJobs, seconds);
  for (const auto& l : (*store)->ListLeases("").value_or({}))
    EXPECT_EQ(l.generation, 2) << "job " << l.job_id;  // a, then b: one hand-over each

  b->Signal(SIGTERM);
  EXPECT_EQ(b->Wait(30s), 0) << b->err();
  EXPECT_EQ(Holders(**store)[""], kJobs);  // released on the way out
}

}  // namespace
}  // namespace sluice::reconcile
