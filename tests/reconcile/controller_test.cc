// The controller's queue, workers, backoff and leases, with a fake reconcile pass on a real
// store (SQLite; the lease tests on PostgreSQL too). No timing assertions: waits are
// generous deadlines for things that must happen; "did not happen" checks only get more
// likely to hold on a slow machine.
#include "reconcile/controller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "common/time.h"
#include "store/store_backends.h"

namespace sluice::reconcile {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Polls `done` until it holds or a generous deadline passes.
template <typename F>
bool WaitFor(F done, std::chrono::seconds deadline = std::chrono::seconds(30)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

// Counts passes per job and checks that no job is ever in two passes at once.
class FakePass {
 public:
  std::function<Result<PassResult>(int64_t)> behaviour = [](int64_t) {
    return Result<PassResult>(PassResult{.requeue_after = std::chrono::hours(1)});
  };

  ReconcileFn Fn() {
    return [this](int64_t job) -> Result<PassResult> {
      {
        std::lock_guard lock(mu_);
        if (in_pass_[job]++ > 0) ++overlaps_;
        ++passes_[job];
        ++running_;
        max_running_ = std::max(max_running_, running_);
      }
      auto r = behaviour(job);
      std::lock_guard lock(mu_);
      --in_pass_[job];
      --running_;
      return r;
    };
  }
  int Passes(int64_t job) {
    std::lock_guard lock(mu_);
    return passes_[job];
  }
  int Overlaps() {
    std::lock_guard lock(mu_);
    return overlaps_;
  }
  int MaxRunning() {
    std::lock_guard lock(mu_);
    return max_running_;
  }

 private:
  std::mutex mu_;
  std::map<int64_t, int> in_pass_, passes_;
  int overlaps_ = 0, running_ = 0, max_running_ = 0;
};

class ControllerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<store::testing::Backend>(GetParam());
    auto s = store::Store::Open(backend_->url());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
    options_.workers = 4;
    options_.lease_ttl = 3s;
    options_.resync_interval = 1h;  // only the first resync, unless a test wants more
    options_.backoff_base = 1h;
    options_.backoff_max = 2h;
  }

  int64_t NewJob(const std::string& name) {
    store::Job j;
    j.name = name;
    j.desired_state = "RUNNING";
    j.state = "DRAFT";
    auto r = store_->CreateJob(j, {.spec_json = "{}"});
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->id : 0;
  }

  std::unique_ptr<Controller> Make() {
    auto c = std::make_unique<Controller>(*store_, fake_.Fn(), options_);
    Status st = c->Start();
    EXPECT_TRUE(st.ok()) << st.error().ToString();
    return c;
  }

  std::unique_ptr<store::testing::Backend> backend_;
  std::unique_ptr<store::Store> store_;
  ControllerOptions options_;
  FakePass fake_;
};

TEST(BackoffDelayTest, DoublesUpToTheMaximum) {
  EXPECT_EQ(BackoffDelay(0, 1s, 60s), 0ms);
  EXPECT_EQ(BackoffDelay(1, 1s, 60s), 1s);
  EXPECT_EQ(BackoffDelay(2, 1s, 60s), 2s);
  EXPECT_EQ(BackoffDelay(6, 1s, 60s), 32s);
  EXPECT_EQ(BackoffDelay(7, 1s, 60s), 60s);
  EXPECT_EQ(BackoffDelay(1000, 1s, 60s), 60s);
}

TEST(ControllerOptionsTest, RefusesNonsense) {
  ControllerOptions o;
  EXPECT_TRUE(ValidateOptions(o).ok());
  o.workers = 0;
  EXPECT_FALSE(ValidateOptions(o).ok());
  o = {};
  o.renew_interval = o.lease_ttl;
  EXPECT_FALSE(ValidateOptions(o).ok());
  o = {};
  o.backoff_max = 1ms;
  EXPECT_FALSE(ValidateOptions(o).ok());
}

TEST(ReplicaIdTest, NamesHostAndProcessAndDiffers) {
  std::string a = NewReplicaId(), b = NewReplicaId();
  EXPECT_NE(a, b);
  EXPECT_NE(a.find("-" + std::to_string(getpid()) + "-"), std::string::npos);
}

TEST_P(ControllerTest, ResyncFindsJobsAndRequeueRunsThemAgain) {
  int64_t a = NewJob("a"), b = NewJob("b");
  fake_.behaviour = [](int64_t) { return Result<PassResult>(PassResult{.requeue_after = 20ms}); };
  auto c = Make();
  EXPECT_TRUE(WaitFor([&] { return fake_.Passes(a) >= 5 && fake_.Passes(b) >= 5; }));
  c->Stop();
  EXPECT_EQ(fake_.Overlaps(), 0);
}

TEST_P(ControllerTest, ALongRequeueWaitsUntilEnqueued) {
  int64_t a = NewJob("a");
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return fake_.Passes(a) == 1; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(fake_.Passes(a), 1);  // requeue_after is an hour
  c->Enqueue(a);
  EXPECT_TRUE(WaitFor([&] { return fake_.Passes(a) == 2; }));
}

TEST_P(ControllerTest, ResyncPicksUpNewJobs) {
  options_.resync_interval = 200ms;
  auto c = Make();
  int64_t late = NewJob("late");
  EXPECT_TRUE(WaitFor([&] { return fake_.Passes(late) == 1; }));
}

TEST_P(ControllerTest, EnqueueDuringAPassRunsTheJobAgainAfterIt) {
  int64_t a = NewJob("a");
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> calls{0};
  fake_.behaviour = [&](int64_t) {
    if (calls++ == 0) {
      std::unique_lock lock(mu);
      cv.wait_for(lock, 30s, [&] { return release; });
    }
    return Result<PassResult>(PassResult{.requeue_after = std::chrono::hours(1)});
  };
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return calls.load() == 1; }));
  for (int i = 0; i < 10; ++i)
    c->Enqueue(a);  // during the pass: never a second pass at the same time
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(WaitFor([&] { return fake_.Passes(a) == 2; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(fake_.Passes(a), 2);  // ten wake-ups during one pass make one more pass
  EXPECT_EQ(fake_.Overlaps(), 0);
}

// A woken job (a watch event, an API write) goes before every overdue timed pass: with
// 10,000 jobs polled every requeue_steady the queue may hold a backlog, and a change must
// not wait behind it.
TEST_P(ControllerTest, AnEnqueuedJobRunsBeforeTheOverdueOnes) {
  options_.workers = 1;
  std::vector<int64_t> jobs;
  for (int i = 0; i < 20; ++i)
    jobs.push_back(NewJob("j" + std::to_string(i)));
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::vector<int64_t> order;
  fake_.behaviour = [&](int64_t job) {
    std::unique_lock lock(mu);
    order.push_back(job);
    if (order.size() == 1) cv.wait_for(lock, 30s, [&] { return release; });
    return Result<PassResult>(PassResult{.requeue_after = std::chrono::hours(1)});
  };
  auto c = Make();
  int64_t first = 0;
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    if (!order.empty()) first = order[0];
    return first != 0;
  }));
  // The other 19 are due (the first resync); one of them is woken while the worker is busy.
  int64_t woken = first == jobs.back() ? jobs.front() : jobs.back();
  c->Enqueue(woken);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    return order.size() == jobs.size();
  }));
  c->Stop();
  std::lock_guard lock(mu);
  EXPECT_EQ(order[1], woken);
}

TEST_P(ControllerTest, WorkersRunDifferentJobsInParallelButNeverOneJobTwice) {
  std::vector<int64_t> jobs;
  for (int i = 0; i < 6; ++i)
    jobs.push_back(NewJob("j" + std::to_string(i)));
  fake_.behaviour = [](int64_t) {
    std::this_thread::sleep_for(3ms);
    return Result<PassResult>(PassResult{.requeue_after = 0ms});
  };
  auto c = Make();
  std::atomic<bool> done{false};
  std::thread spammer([&] {
    while (!done)
      for (int64_t j : jobs)
        c->Enqueue(j);
  });
  EXPECT_TRUE(WaitFor([&] {
    for (int64_t j : jobs)
      if (fake_.Passes(j) < 20) return false;
    return fake_.MaxRunning() >= 2;
  }));
  done = true;
  spammer.join();
  c->Stop();
  EXPECT_EQ(fake_.Overlaps(), 0);
  EXPECT_LE(fake_.MaxRunning(), options_.workers);
}

TEST_P(ControllerTest, ErrorsBackOffAndSuccessResetsTheCount) {
  int64_t a = NewJob("a");
  std::atomic<bool> fail{true};
  fake_.behaviour = [&](int64_t) -> Result<PassResult> {
    if (fail) return Unavailable("the JobManager did not answer");
    return PassResult{.requeue_after = std::chrono::hours(1)};
  };
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return c->Failures(a) == 1; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(fake_.Passes(a), 1);  // backing off for an hour
  c->Enqueue(a);
  ASSERT_TRUE(WaitFor([&] { return c->Failures(a) == 2; }));
  fail = false;
  c->Enqueue(a);
  EXPECT_TRUE(WaitFor([&] { return fake_.Passes(a) == 3 && c->Failures(a) == 0; }));
}

TEST_P(ControllerTest, AThrowingPassIsAnErrorNotACrash) {
  int64_t a = NewJob("a");
  fake_.behaviour = [](int64_t) -> Result<PassResult> { throw std::runtime_error("boom"); };
  auto c = Make();
  EXPECT_TRUE(WaitFor([&] { return c->Failures(a) == 1; }));
}

TEST_P(ControllerTest, PassesRunOnlyUnderTheLeaseAndStopReleasesIt) {
  int64_t a = NewJob("a");
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return fake_.Passes(a) == 1; }));
  auto lease = store_->GetLease(a);
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->holder, c->replica_id());
  EXPECT_EQ(c->HeldLeases(), std::vector<int64_t>{a});
  c->Stop();
  EXPECT_EQ(store_->GetLease(a)->holder, "");
}

TEST_P(ControllerTest, APassKnowsItsLease) {
  int64_t a = NewJob("a");
  std::atomic<int64_t> seen_job{0}, seen_generation{0};
  std::atomic<bool> in_future{false};
  fake_.behaviour = [&](int64_t) {
    const PassLease* lease = CurrentPassLease();
    if (lease) {
      seen_job = lease->job_id;
      seen_generation = lease->generation;
      in_future = lease->valid_until > std::chrono::steady_clock::now();
    }
    return Result<PassResult>(PassResult{.requeue_after = std::chrono::hours(1)});
  };
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return seen_job.load() == a; }));
  EXPECT_EQ(seen_generation.load(), store_->GetLease(a)->generation);
  EXPECT_TRUE(in_future.load());
  EXPECT_EQ(CurrentPassLease(), nullptr);
}

TEST_P(ControllerTest, AbandonKeepsTheLeases) {
  int64_t a = NewJob("a");
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return fake_.Passes(a) == 1; }));
  c->Abandon();
  EXPECT_EQ(store_->GetLease(a)->holder, c->replica_id());
}

TEST_P(ControllerTest, AJobLeasedElsewhereIsLeftAloneUntilItsLeaseIsFree) {
  int64_t a = NewJob("a");
  ASSERT_TRUE(store_->AcquireLease(a, "other", NowMillis(), 3'600'000).ok());
  auto c = Make();
  c->Enqueue(a);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(fake_.Passes(a), 0);
  ASSERT_TRUE(store_->ReleaseLease(a, "other").ok());
  c->Enqueue(a);
  EXPECT_TRUE(WaitFor([&] { return fake_.Passes(a) == 1; }));
}

TEST_P(ControllerTest, AnExpiredLeaseOfADeadReplicaIsTakenOver) {
  int64_t a = NewJob("a");
  ASSERT_TRUE(store_->AcquireLease(a, "dead", NowMillis(), 1'000).ok());
  auto c = Make();  // no Enqueue: the controller retries when that lease expires
  EXPECT_TRUE(WaitFor([&] { return fake_.Passes(a) == 1; }));
  EXPECT_EQ(store_->GetLease(a)->generation, 2);
}

TEST_P(ControllerTest, ALostLeaseStopsThePasses) {
  int64_t a = NewJob("a");
  options_.lease_ttl = 900ms;  // renewed every 300ms
  fake_.behaviour = [](int64_t) { return Result<PassResult>(PassResult{.requeue_after = 10ms}); };
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return fake_.Passes(a) >= 3; }));
  // Another replica owns it now (as if this one had been cut off past its lease).
  // One atomic step: seen from two hours ahead, this replica's lease has expired.
  ASSERT_TRUE(store_->AcquireLease(a, "thief", NowMillis() + 7'200'000, 3'600'000).ok());
  ASSERT_TRUE(WaitFor([&] { return c->HeldLeases().empty(); }));
  std::this_thread::sleep_for(500ms);  // a pass that checked its lease just before may end
  int after = fake_.Passes(a);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(fake_.Passes(a), after);
  EXPECT_EQ(store_->GetLease(a)->holder, "thief");
}

TEST_P(ControllerTest, ForgetDropsTheJobAndReleasesItsLease) {
  int64_t a = NewJob("a");
  fake_.behaviour = [](int64_t) { return Result<PassResult>(PassResult{.forget = true}); };
  auto c = Make();
  ASSERT_TRUE(WaitFor([&] { return fake_.Passes(a) == 1 && c->GetStats().tracked == 0; }));
  EXPECT_TRUE(c->HeldLeases().empty());
  // Released by the worker right after it dropped the job.
  EXPECT_TRUE(WaitFor([&] { return store_->GetLease(a)->holder.empty(); }));
  EXPECT_EQ(fake_.Passes(a), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ControllerTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace sluice::reconcile
