// The controller: decides when a job's reconcile pass runs, on which worker and on which
// replica. A level-triggered work queue like a Kubernetes controller's:
//
//  - every tracked job has a due time; a pass returns when to look again (requeue_after),
//    an error backs off exponentially per job, Enqueue() makes a job due now;
//  - N workers; a job is never in two passes at once (an Enqueue during a pass runs the
//    job again right after it);
//  - a periodic resync lists the live jobs from the store, so nothing depends on
//    notifications alone;
//  - leases: a pass runs only while this replica holds the job's lease (store/
//    job_leases) with at least `lease_margin` left; leases are renewed in batches every
//    `renew_interval`, a lease held elsewhere is retried when it expires (a dead
//    replica's jobs move here), a lease that failed to renew is dropped, and Stop()
//    releases every lease so other replicas take over at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "reconcile/pass.h"
#include "store/store.h"

namespace sluice::reconcile {

struct ControllerOptions {
  int workers = 4;
  std::string replica_id;  // "": NewReplicaId()
  std::chrono::milliseconds lease_ttl{30'000};
  std::chrono::milliseconds renew_interval{0};  // 0: lease_ttl / 3
  std::chrono::milliseconds lease_margin{0};    // 0: lease_ttl / 3; a pass needs this much left
  std::chrono::milliseconds resync_interval{60'000};
  std::chrono::milliseconds backoff_base{1'000};
  std::chrono::milliseconds backoff_max{300'000};
  int resync_page = 500;
  // Unix milliseconds written into leases; NowMillis() when empty. Replicas compare each
  // other's lease times, so their clocks must agree to well within lease_margin.
  std::function<int64_t()> wall_clock;
};

// hostname-pid-random: unique per process, readable in the job_leases table.
std::string NewReplicaId();
// base * 2^(failures-1), at most `max`; zero for no failures.
std::chrono::milliseconds BackoffDelay(int failures, std::chrono::milliseconds base,
                                       std::chrono::milliseconds max);
Status ValidateOptions(const ControllerOptions& options);

// Inside a pass, on its worker thread: the lease the pass runs under (nullptr outside a
// pass). `valid_until` is the conservative local end as the pass started (renewals may
// extend it); a reconciler about to do something slow can check it is still far enough
// away, and may record `generation` (the fencing token) with what it does.
struct PassLease {
  int64_t job_id = 0;
  int64_t generation = 0;
  std::chrono::steady_clock::time_point valid_until;
};
const PassLease* CurrentPassLease();

class Controller {
 public:
  Controller(store::Store& store, ReconcileFn fn, ControllerOptions options);
  ~Controller();  // Stop()
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  Status Start();  // starts the workers, the lease renewer and the resync loop
  // Stops starting passes, waits for the passes in flight, releases every lease held.
  void Stop();
  // What a crash leaves behind, for tests: stops like Stop() but keeps the leases in the
  // store, so other replicas take over only when they expire.
  void Abandon();

  // Makes the job due now (tracking it if new). The API calls it after writing an intent.
  void Enqueue(int64_t job_id);

  const std::string& replica_id() const { return options_.replica_id; }
  struct Stats {
    size_t tracked = 0;
    size_t due = 0;  // due and waiting for a worker
    size_t running = 0;
    size_t leases_held = 0;
  };
  Stats GetStats() const;
  std::vector<int64_t> HeldLeases() const;  // by job id
  int Failures(int64_t job_id) const;       // consecutive failed passes of a tracked job

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Clock::time_point due;
    uint64_t seq = 0;      // the heap item that is current; older ones are stale
    bool queued = false;   // a current heap item exists
    bool urgent = false;   // ...and it is urgent (Enqueue)
    bool running = false;  // in a pass on some worker
    bool again = false;    // Enqueue()d during the pass: run again right after it
    int failures = 0;
    bool held = false;                    // this replica holds the lease...
    Clock::time_point lease_valid_until;  // ...until then at the latest (local, conservative)
    int64_t generation = 0;               // the lease's fencing token
  };
  // Enqueue()d jobs (a watch event, an API write) are urgent: they run before every timed
  // pass, in the order they came, so that a backlog of overdue polls (10,000 jobs observed
  // every requeue_steady) does not delay the reaction to a change.
  struct Item {
    Clock::time_point due;
    uint64_t seq;
    int64_t job_id;
    bool urgent = false;
    bool operator>(const Item& o) const {
      if (urgent != o.urgent) return o.urgent;
      if (urgent) return seq > o.seq;
      return due > o.due;
    }
  };
  enum class LeaseCheck { kHeld, kElsewhere, kGone, kError };

  void Shutdown(bool release);
  void WorkerLoop();
  void RenewLoop();
  void ResyncLoop();
  void RunOne(int64_t job_id);
  LeaseCheck EnsureLease(int64_t job_id, Clock::time_point* retry_at, Error* error);
  void Resync();
  void RenewLeases();
  void UpdateGauges();
  // With mu_ held.
  void ScheduleLocked(int64_t job_id, Entry& entry, Clock::time_point due, bool urgent = false);
  int64_t WallNow() const;

  store::Store& store_;
  ReconcileFn fn_;
  ControllerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // workers: a job became due, or stopping
  std::condition_variable tick_cv_;  // renew and resync loops: stopping
  std::map<int64_t, Entry> jobs_;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap_;
  uint64_t next_seq_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sluice::reconcile
