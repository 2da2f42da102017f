// observe::JobManagerPoller with a JobManager played by a function: what wakes a job (a
// state or last-modification change, a job gone, a JobManager silent for the grace
// period, then answering again) and what does not (unchanged polls, a pass repeating
// what it saw, failed polls within the grace period). The simulator cases are in
// tests/reconcile/serve_e2e_test.cc.
#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include <gtest/gtest.h>

#include "observe/jobmanager_poller.h"
#include "support.h"
#include "support/test_env.h"

namespace sluice::observe {
namespace {

using namespace std::chrono_literals;
using sluice::testing::WaitUntil;

std::string PollerTestData(const std::string& name) {
  std::ifstream in(sluice::testing::SourceDir() / "tests/observe/testdata" / name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(JobsOverviewTest, ReadsIdStateAndLastModificationOfEachJob) {
  std::vector<JobOverviewEntry> jobs(5);  // reused entries
  ASSERT_TRUE(ParseJobsOverview(PollerTestData("jobs_overview.json"), jobs));
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].jid, "a1b2c3d4e5f60718293a4b5c6d7e8f90");
  EXPECT_EQ(jobs[0].state, "RUNNING");
  EXPECT_EQ(jobs[0].last_modification, 1764054001500);
  // Keys of the nested tasks object are not the job's.
  EXPECT_EQ(jobs[1].jid, "00000000000000000000000000000002");
  EXPECT_EQ(jobs[1].state, "RESTARTING");
  EXPECT_EQ(jobs[1].last_modification, 1764054009000);

  EXPECT_TRUE(ParseJobsOverview(R"({"jobs":[]})", jobs));
  EXPECT_TRUE(jobs.empty());
  EXPECT_FALSE(ParseJobsOverview(R"({"errors":["Service temporarily unavailable"]})", jobs));
  EXPECT_FALSE(ParseJobsOverview("<html>502</html>", jobs));
  EXPECT_FALSE(ParseJobsOverview(R"({"jobs":[{"jid":"x")", jobs));
}

// A JobManager whose answer the test sets; counts the requests.
class FakeJobManager {
 public:
  void Set(int status, std::string body) {
    std::lock_guard lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  void Job(const std::string& state, int64_t modified) {
    Set(200, R"({"jobs":[{"jid":"j1","state":")" + state + R"(","last-modification":)" +
                 std::to_string(modified) + "}]}");
  }
  flink::Transport Transport() {
    return [this](const flink::RestRequest& r) -> Result<http::ClientResponse> {
      ++requests;
      EXPECT_EQ(r.path, "/jobs/overview");
      EXPECT_FALSE(r.idempotent) << "a poll is never retried";
      std::lock_guard lock(mu_);
      if (status_ == 0) return MakeError(ErrorCode::kUnavailable, "connection refused");
      return http::ClientResponse{.status = status_, .body = body_};
    };
  }
  std::atomic<int> requests{0};

 private:
  std::mutex mu_;
  int status_ = 0;
  std::string body_;
};

struct Wakes {
  std::mutex mu;
  std::vector<int64_t> ids;
  size_t Count() {
    std::lock_guard lock(mu);
    return ids.size();
  }
  // The poller's wake callback, recording here.
  std::function<void(int64_t)> Recorder() {
    return [this](int64_t id) {
      std::lock_guard lock(mu);
      ids.push_back(id);
    };
  }
};

TEST(JobManagerPollerTest, WakesOnAChangeOnceAndNotOnUnchangedPolls) {
  FakeJobManager jm;
  jm.Job("RUNNING", 100);
  Wakes wakes;
  JobManagerPoller poller(wakes.Recorder(), {.period = 10ms, .threads = 2});
  poller.Start();
  poller.Track(7, "jm-1", "j1", "RUNNING", [&] { return jm.Transport(); });
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= 5; }, 30s));
  EXPECT_EQ(wakes.Count(), 0u) << "nothing changed";

  // A restart that ended before the next poll: only last-modification tells.
  jm.Job("RUNNING", 200);
  ASSERT_TRUE(WaitUntil([&] { return wakes.Count() >= 1; }, 30s));
  int after = jm.requests.load();
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= after + 5; }, 30s));
  EXPECT_EQ(wakes.Count(), 1u) << "one change, one wake";
  EXPECT_EQ(wakes.ids[0], 7);

  // The woken pass saw the job and tracks it again: nothing new.
  poller.Track(7, "jm-1", "j1", "RUNNING", [&] { return jm.Transport(); });
  jm.Job("FAILED", 300);
  ASSERT_TRUE(WaitUntil([&] { return wakes.Count() >= 2; }, 30s));

  // The job is no longer listed (a JobManager that restarted without it): one wake.
  jm.Set(200, R"({"jobs":[]})");
  ASSERT_TRUE(WaitUntil([&] { return wakes.Count() >= 3; }, 30s));
  after = jm.requests.load();
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= after + 5; }, 30s));
  EXPECT_EQ(wakes.Count(), 3u);

  poller.Untrack(7);
  EXPECT_EQ(poller.GetStats().jobmanagers, 0u);
  EXPECT_EQ(poller.GetStats().jobs, 0u);
}

TEST(JobManagerPollerTest, FirstPollComparesWithWhatThePassSaw) {
  FakeJobManager jm;
  jm.Job("RESTARTING", 100);
  Wakes wakes;
  JobManagerPoller poller(wakes.Recorder(), {.period = 10ms});
  poller.Start();
  poller.Track(1, "jm-1", "j1", "RUNNING", [&] { return jm.Transport(); });
  ASSERT_TRUE(WaitUntil([&] { return wakes.Count() >= 1; }, 30s));
  int after = jm.requests.load();
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= after + 5; }, 30s));
  EXPECT_EQ(wakes.Count(), 1u);
}

TEST(JobManagerPollerTest, OnePollCoversEveryJobOfASessionCluster) {
  FakeJobManager jm;
  jm.Set(200, R"({"jobs":[{"jid":"a","state":"RUNNING","last-modification":1},)"
              R"({"jid":"b","state":"RUNNING","last-modification":1}]})");
  Wakes wakes;
  JobManagerPoller poller(wakes.Recorder(), {.period = 10ms});
  poller.Start();
  int built = 0;
  auto factory = [&] {
    ++built;
    return jm.Transport();
  };
  poller.Track(1, "session", "a", "RUNNING", factory);
  poller.Track(2, "session", "b", "RUNNING", factory);
  EXPECT_EQ(built, 1);
  EXPECT_EQ(poller.GetStats().jobmanagers, 1u);
  EXPECT_EQ(poller.GetStats().jobs, 2u);
  jm.Set(200, R"({"jobs":[{"jid":"a","state":"RUNNING","last-modification":1},)"
              R"({"jid":"b","state":"FAILED","last-modification":2}]})");
  ASSERT_TRUE(WaitUntil([&] { return wakes.Count() >= 1; }, 30s));
  int after = jm.requests.load();
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= after + 3; }, 30s));
  ASSERT_EQ(wakes.Count(), 1u);
  EXPECT_EQ(wakes.ids[0], 2);

  // Moving a job to another JobManager leaves the first for the other job.
  poller.Track(1, "elsewhere", "a", "RUNNING", [&] { return jm.Transport(); });
  EXPECT_EQ(poller.GetStats().jobmanagers, 2u);
  poller.Untrack(2);
  EXPECT_EQ(poller.GetStats().jobmanagers, 1u);
  // A job the factory cannot reach is not tracked.
  poller.Track(3, "nowhere", "c", "RUNNING", [] { return flink::Transport(); });
  EXPECT_EQ(poller.GetStats().jobs, 1u);
}

// No answer, or an error page, is not a change: the jobs are woken when the JobManager has
// been silent for the grace period, at most once per grace period after that, and once
// when it answers again; never a pass per poll.
TEST(JobManagerPollerTest, SilentJobManagerWakesAtMostOncePerGracePeriod) {
  FakeJobManager jm;
  jm.Job("RUNNING", 100);
  Wakes wakes;
  JobManagerPoller poller(wakes.Recorder(), {.period = 10ms, .grace = 400ms});
  poller.Start();
  poller.Track(1, "jm-1", "j1", "RUNNING", [&] { return jm.Transport(); });
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= 2; }, 30s));
  auto silent_from = std::chrono::steady_clock::now();
  jm.Set(0, "");  // connection refused
  ASSERT_TRUE(WaitUntil([&] { return wakes.Count() >= 1; }, 30s));
  EXPECT_GE(std::chrono::steady_clock::now() - silent_from, 400ms) << "not before the grace";
  jm.Set(503, R"({"errors":["no service"]})");
  int from = jm.requests.load();
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= from + 40; }, 60s));
  auto silent_for = std::chrono::steady_clock::now() - silent_from;
  size_t bound = 1 + static_cast<size_t>(silent_for / 400ms);
  EXPECT_LE(wakes.Count(), bound) << jm.requests.load() << " polls";
  EXPECT_GT(poller.GetStats().failures, 40);

  size_t before = wakes.Count();
  jm.Job("RUNNING", 100);  // answers again, unchanged
  ASSERT_TRUE(WaitUntil([&] { return wakes.Count() > before; }, 30s));
  from = jm.requests.load();
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= from + 5; }, 30s));
  EXPECT_EQ(wakes.Count(), before + 1);
}

TEST(JobManagerPollerTest, FailedPollsWithinTheGracePeriodWakeNothing) {
  FakeJobManager jm;
  Wakes wakes;
  JobManagerPoller poller(wakes.Recorder(), {.period = 10ms, .grace = std::chrono::minutes(10)});
  poller.Start();
  poller.Track(1, "jm-1", "j1", "RUNNING", [&] { return jm.Transport(); });
  ASSERT_TRUE(WaitUntil([&] { return jm.requests.load() >= 20; }, 30s));
  EXPECT_EQ(wakes.Count(), 0u);
}

}  // namespace
}  // namespace sluice::observe
