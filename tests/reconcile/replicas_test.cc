// Two replicas on one PostgreSQL: two Controllers, each with its own Store connections,
// share the jobs through leases. No job is ever in two passes at once across replicas,
// and when one replica dies (stops renewing without releasing), its jobs move to the
// other once its leases expire.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "reconcile/controller.h"
#include "store/store_backends.h"

namespace sluice::reconcile {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct PassRecord {
  std::string replica;
  int64_t job;
  Clock::time_point start, end;
};

class Recorder {
 public:
  ReconcileFn For(const std::string& replica) {
    return [this, replica](int64_t job) -> Result<PassResult> {
      Clock::time_point start = Clock::now();
      {
        std::lock_guard lock(mu_);
        auto [it, inserted] = in_pass_.emplace(job, replica);
        if (!inserted) {
          overlaps_.push_back("job " + std::to_string(job) + ": " + replica + " while " +
                              it->second + " is in a pass");
        }
      }
      std::this_thread::sleep_for(2ms);  // widen the window a second replica could hit
      std::lock_guard lock(mu_);
      if (auto it = in_pass_.find(job); it != in_pass_.end() && it->second == replica)
        in_pass_.erase(it);
      records_.push_back({replica, job, start, Clock::now()});
      return PassResult{.requeue_after = 50ms};
    };
  }
  std::vector<std::string> Overlaps() {
    std::lock_guard lock(mu_);
    return overlaps_;
  }
  std::vector<PassRecord> Records() {
    std::lock_guard lock(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  std::map<int64_t, std::string> in_pass_;
  std::vector<std::string> overlaps_;
  std::vector<PassRecord> records_;
};

template <typename F>
bool WaitFor(F done, std::chrono::seconds deadline = std::chrono::seconds(60)) {
  auto end = Clock::now() + deadline;
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(ReplicasTest, OneReplicaPerJobAndADeadReplicasJobsMove) {
  store::testing::Backend backend("postgres");
  auto setup = store::Store::Open(backend.url());
  ASSERT_TRUE(setup.ok()) << setup.error().ToString();
  std::vector<int64_t> jobs;
  for (int i = 0; i < 40; ++i) {
    store::Job j;
    j.name = "job-" + std::to_string(i);
    j.desired_state = "RUNNING";
    j.state = "DRAFT";
    auto r = (*setup)->CreateJob(j, {.spec_json = "{}"});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    jobs.push_back(r->id);
  }

  Recorder recorder;
  ControllerOptions options;
  options.workers = 3;
  options.lease_ttl = 2s;  // renewed every 667ms; a pass needs 667ms of lease left
  options.resync_interval = 500ms;
  std::unique_ptr<store::Store> stores[2];
  std::unique_ptr<Controller> replicas[2];
  for (int i = 0; i < 2; ++i) {
    auto s = store::Store::Open(backend.url());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    stores[i] = std::move(s).value();
    options.replica_id = "replica-" + std::to_string(i);
    replicas[i] =
        std::make_unique<Controller>(*stores[i], recorder.For(options.replica_id), options);
  }
  ASSERT_TRUE(replicas[0]->Start().ok());
  ASSERT_TRUE(replicas[1]->Start().ok());

  // Every job is leased by exactly one replica and reconciled.
  ASSERT_TRUE(WaitFor([&] {
    return replicas[0]->HeldLeases().size() + replicas[1]->HeldLeases().size() == jobs.size();
  }));
  ASSERT_TRUE(WaitFor([&] {
    std::set<int64_t> seen;
    for (const auto& r : recorder.Records())
      seen.insert(r.job);
    return seen.size() == jobs.size();
  }));
  std::this_thread::sleep_for(1s);  // a while of steady work: renewals, requeues, resyncs

  // Kill the replica with more jobs: no release, its leases simply stop being renewed.
  int victim = replicas[0]->HeldLeases().size() >= replicas[1]->HeldLeases().size() ? 0 : 1;
  int survivor = 1 - victim;
  std::vector<int64_t> moved = replicas[victim]->HeldLeases();
  ASSERT_FALSE(moved.empty());
  replicas[victim]->Abandon();
  Clock::time_point killed = Clock::now();
  std::string survivor_id = replicas[survivor]->replica_id();

  // The survivor takes every one of them over and reconciles it.
  EXPECT_TRUE(WaitFor([&] { return replicas[survivor]->HeldLeases().size() == jobs.size(); }));
  std::map<int64_t, Clock::time_point> first_after_kill;
  EXPECT_TRUE(WaitFor([&] {
    first_after_kill.clear();
    for (const auto& r : recorder.Records()) {
      if (r.replica == survivor_id && r.start > killed && !first_after_kill.count(r.job))
        first_after_kill[r.job] = r.start;
    }
    for (int64_t j : moved)
      if (!first_after_kill.count(j)) return false;
    return true;
  }));
  replicas[survivor]->Stop();

  EXPECT_EQ(recorder.Overlaps(), std::vector<std::string>{});
  // Across replicas, one job's passes never interleave: each pass of a job ends before the
  // next one (by any replica) starts.
  std::map<int64_t, std::vector<PassRecord>> by_job;
  for (const auto& r : recorder.Records())
    by_job[r.job].push_back(r);
  for (auto& [job, passes] : by_job) {
    std::sort(passes.begin(), passes.end(),
              [](const PassRecord& a, const PassRecord& b) { return a.start < b.start; });
    for (size_t i = 1; i < passes.size(); ++i)
      EXPECT_LE(passes[i - 1].end, passes[i].start) << "job " << job;
  }
  // The figure the issue asks about (reported, not asserted): how long the dead replica's
  // jobs waited, against the lease time.
  double worst = 0;
  for (int64_t j : moved)
    worst = std::max(worst, std::chrono::duration<double>(first_after_kill[j] - killed).count());
  std::printf(
      "moved %zu jobs; the last one was reconciled by the survivor %.2fs after the "
      "kill (lease time %.1fs)\n",
      moved.size(), worst, std::chrono::duration<double>(options.lease_ttl).count());
  for (int64_t j : moved) {
    auto lease = stores[survivor]->GetLease(j);
    ASSERT_TRUE(lease.ok());
    EXPECT_GE(lease->generation, 2) << "job " << j;  // changed hands: a new fencing token
  }
}

}  // namespace
}  // namespace sluice::reconcile
