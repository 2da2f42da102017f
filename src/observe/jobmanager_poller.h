// Watches what only a JobManager knows: a job that fails, restarts or ends inside Flink
// changes no pod and no Deployment, so no watch event wakes its reconcile pass. The
// poller asks each tracked JobManager `GET /jobs/overview` (one cheap call covers every
// job of a session cluster) once per `period`, the JobManagers spread evenly over the
// period, and compares each tracked job's state and last-modification time with what it
// saw last; on a difference it calls `wake(job_id)` so that the job's normal pass
// observes it in full and writes the store. The unchanged path touches no store and
// allocates little: one request on a kept-alive connection and one small parse.
//
//   observe::JobManagerPoller poller([&](int64_t id) { controller.Enqueue(id); },
//                                    {.period = std::chrono::seconds(3)});
//   poller.Start();
//   poller.Track(job_id, "sim/ns/orders-rest", jid, "RUNNING", [&] { return transport; });
//   poller.Untrack(job_id);  // the job stopped, or is gone
//
// A failed poll (no answer, a 5xx) is not a change: the JobManager's jobs are woken once
// it has failed for `grace` (when the reconciler would call the job lost), then at most
// once per `grace` while it keeps failing, and once when it answers again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "flink/transport.h"

namespace sluice::observe {

struct JobManagerPollerOptions {
  std::chrono::milliseconds period{3'000};   // each JobManager is asked once per period
  std::chrono::milliseconds timeout{2'000};  // one poll; never retried
  std::chrono::milliseconds grace{60'000};   // the reconciler's grace for a silent JobManager
  int threads = 8;                           // polls in flight at most
};

// One job as /jobs/overview lists it.
struct JobOverviewEntry {
  std::string jid;
  std::string state;
  int64_t last_modification = -1;
};
// Parses a /jobs/overview body into `out` (cleared first; entries reuse their strings).
// False when the body is not an overview.
bool ParseJobsOverview(std::string_view body, std::vector<JobOverviewEntry>& out);

class JobManagerPoller {
 public:
  using Waker = std::function<void(int64_t job_id)>;
  using TransportFactory = std::function<flink::Transport()>;

  JobManagerPoller(Waker wake, JobManagerPollerOptions options = {});
  ~JobManagerPoller();  // Stop()
  JobManagerPoller(const JobManagerPoller&) = delete;
  JobManagerPoller& operator=(const JobManagerPoller&) = delete;

  void Start();  // the poll threads
  void Stop();   // waits for the polls in flight

  // Tracks `job_id` as Flink job `flink_job_id` on the JobManager named `jobmanager` (any
  // string that identifies one REST endpoint: jobs with the same one share its polls),
  // which a pass has just seen in `state`. `transport` is called only for a JobManager not
  // tracked yet. A job tracked under another JobManager or Flink job id starts afresh;
  // otherwise what the poller saw last is kept (a pass repeating itself changes nothing).
  // A factory that returns an empty transport leaves the job untracked.
  void Track(int64_t job_id, std::string_view jobmanager, std::string_view flink_job_id,
             std::string_view state, const TransportFactory& transport);
  void Untrack(int64_t job_id);

  struct Stats {
    size_t jobmanagers = 0;
    size_t jobs = 0;
    int64_t polls = 0;
    int64_t failures = 0;
    int64_t wakes = 0;
  };
  Stats GetStats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Job {
    std::string flink_job_id;
    std::string pass_state;  // as the last pass saw it
    bool seen = false;       // polled since tracked
    bool present = false;    // ...and listed by the JobManager
    std::string seen_state;
    int64_t seen_modified = -1;
  };
  struct JobManager {
    std::string key;
    flink::Transport transport;  // fixed once created; called without mu_
    std::unordered_map<int64_t, Job> jobs;
    Clock::time_point due;
    bool removed = false;
    bool failing = false;
    Clock::time_point failing_since;
    bool failure_woken = false;  // woke its jobs for this run of failures
    Clock::time_point last_failure_wake;
  };
  struct Item {
    Clock::time_point due;
    std::shared_ptr<JobManager> jm;
    bool operator>(const Item& o) const { return due > o.due; }
  };

  void Loop();
  void Push(Item item);
  void Poll(const std::shared_ptr<JobManager>& jm, std::vector<JobOverviewEntry>& entries,
            std::vector<int64_t>& wakes);
  Clock::duration NextOffset();  // spreads new JobManagers evenly over the period

  Waker wake_;
  JobManagerPollerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;         // followers: the waiting for the next poll is free
  std::condition_variable leader_cv_;  // the leader: an earlier poll, or stopping
  bool leader_ = false;
  std::unordered_map<std::string, std::shared_ptr<JobManager>> jobmanagers_;
  std::unordered_map<int64_t, std::shared_ptr<JobManager>> job_to_jobmanager_;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap_;
  uint64_t added_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  Stats stats_;
  std::vector<std::thread> threads_;
};

}  // namespace sluice::observe
