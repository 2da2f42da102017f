#include "observe/jobmanager_poller.h"

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/metrics.h"

namespace sluice::observe {
namespace {

// Reads /jobs/overview ({"jobs":[{"jid":..,"state":..,"last-modification":..,...}]}) as a
// stream of tokens: no document tree, and the entries' strings keep their capacity from
// one poll to the next.
class OverviewReader : public nlohmann::json::json_sax_t {
 public:
  explicit OverviewReader(std::vector<JobOverviewEntry>& out) : out_(out) {}
  size_t used() const { return used_; }
  bool saw_jobs() const { return saw_jobs_; }

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t v) override { return Number(static_cast<int64_t>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Number(static_cast<int64_t>(v)); }
  bool number_float(number_float_t v, const string_t&) override {
    return Number(static_cast<int64_t>(v));
  }
  bool string(string_t& v) override {
    if (InJob()) {
      if (field_ == Field::kJid) out_[used_ - 1].jid.assign(v);
      if (field_ == Field::kState) out_[used_ - 1].state.assign(v);
    }
    return Scalar();
  }
  bool binary(binary_t&) override { return Scalar(); }
  bool start_object(std::size_t) override {
    ++depth_;
    if (depth_ == 3 && in_jobs_) {
      if (used_ == out_.size()) out_.emplace_back();
      JobOverviewEntry& e = out_[used_++];
      e.jid.clear();
      e.state.clear();
      e.last_modification = -1;
    }
    field_ = Field::kOther;
    return true;
  }
  bool end_object() override {
    --depth_;
    field_ = Field::kOther;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && field_ == Field::kJobs) {
      in_jobs_ = true;
      saw_jobs_ = true;
    }
    field_ = Field::kOther;
    return true;
  }
  bool end_array() override {
    if (depth_ == 2) in_jobs_ = false;
    --depth_;
    field_ = Field::kOther;
    return true;
  }
  bool key(string_t& k) override {
    field_ = Field::kOther;
    if (depth_ == 1 && k == "jobs") field_ = Field::kJobs;
    if (InJob()) {
      if (k == "jid") field_ = Field::kJid;
      if (k == "state") field_ = Field::kState;
      if (k == "last-modification") field_ = Field::kModified;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) override {
    return false;
  }

 private:
  enum class Field { kOther, kJobs, kJid, kState, kModified };
  bool InJob() const { return in_jobs_ && depth_ == 3 && used_ > 0; }
  bool Scalar() {
    field_ = Field::kOther;
    return true;
  }
  bool Number(int64_t v) {
    if (InJob() && field_ == Field::kModified) out_[used_ - 1].last_modification = v;
    return Scalar();
  }

  std::vector<JobOverviewEntry>& out_;
  size_t used_ = 0;
  int depth_ = 0;
  bool in_jobs_ = false;
  bool saw_jobs_ = false;
  Field field_ = Field::kOther;
};

struct PollerMetrics {
  metrics::Counter& polls_ok;
  metrics::Counter& polls_failed;
  metrics::Counter& wakes;
  metrics::Gauge& jobmanagers;
};

PollerMetrics& PollMetrics() {
  static PollerMetrics m = [] {
    auto& r = metrics::Registry::Default();
    auto& polls = r.AddCounter("sluice_jobmanager_polls_total",
                               "JobManager job-state polls by result", {"result"});
    return PollerMetrics{
        polls.With({"ok"}), polls.With({"failed"}),
        r.AddCounter("sluice_jobmanager_poll_wakes_total",
                     "Jobs woken for a pass by a JobManager poll")
            .With({}),
        r.AddGauge("sluice_jobmanager_polled", "JobManagers polled for job states").With({})};
  }();
  return m;
}

}  // namespace

bool ParseJobsOverview(std::string_view body, std::vector<JobOverviewEntry>& out) {
  OverviewReader reader(out);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(body.begin(), body.end(), &reader);
  } catch (const nlohmann::json::exception&) {
    ok = false;
  }
  out.resize(ok ? reader.used() : 0);
  return ok && reader.saw_jobs();
}

JobManagerPoller::JobManagerPoller(Waker wake, JobManagerPollerOptions options)
    : wake_(std::move(wake)), options_(options) {
  if (options_.threads < 1) options_.threads = 1;
  if (options_.period < std::chrono::milliseconds(1))
    options_.period = std::chrono::milliseconds(1);
}

JobManagerPoller::~JobManagerPoller() {
  Stop();
}

void JobManagerPoller::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  for (int i = 0; i < options_.threads; ++i)
    threads_.emplace_back([this] { Loop(); });
}

void JobManagerPoller::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  leader_cv_.notify_all();
  for (auto& t : threads_)
    t.join();
  threads_.clear();
}

// Offsets i * golden ratio (mod 1) of the period: whatever the number of JobManagers,
// their polls fall evenly over it, without knowing the number in advance.
JobManagerPoller::Clock::duration JobManagerPoller::NextOffset() {
  constexpr double kGolden = 0.6180339887498949;
  double fraction = static_cast<double>(added_++) * kGolden;
  fraction -= static_cast<double>(static_cast<uint64_t>(fraction));
  return std::chrono::duration_cast<Clock::duration>(options_.period * fraction);
}

void JobManagerPoller::Track(int64_t job_id, std::string_view jobmanager,
                             std::string_view flink_job_id, std::string_view state,
                             const TransportFactory& transport) {
  std::unique_lock lock(mu_);
  auto current = job_to_jobmanager_.find(job_id);
  if (current != job_to_jobmanager_.end() && current->second->key == jobmanager) {
    Job& job = current->second->jobs[job_id];
    if (job.flink_job_id != flink_job_id) job = Job{.flink_job_id = std::string(flink_job_id)};
    job.pass_state.assign(state);
    return;
  }
  lock.unlock();
  Untrack(job_id);
  lock.lock();
  auto it = jobmanagers_.find(std::string(jobmanager));
  if (it == jobmanagers_.end()) {
    flink::Transport t;
    lock.unlock();
    t = transport();  // may build a client: not under the lock
    if (!t) return;   // no way to reach it: not tracked
    lock.lock();
    it = jobmanagers_.find(std::string(jobmanager));
    if (it == jobmanagers_.end()) {
      auto jm = std::make_shared<JobManager>();
      jm->key = std::string(jobmanager);
      jm->transport = std::move(t);
      jm->due = Clock::now() + NextOffset();
      Push({jm->due, jm});
      it = jobmanagers_.emplace(jm->key, jm).first;
      PollMetrics().jobmanagers.Set(static_cast<double>(jobmanagers_.size()));
    }
  }
  Job& job = it->second->jobs[job_id];
  job = Job{.flink_job_id = std::string(flink_job_id), .pass_state = std::string(state)};
  job_to_jobmanager_[job_id] = it->second;
}

void JobManagerPoller::Untrack(int64_t job_id) {
  std::lock_guard lock(mu_);
  auto it = job_to_jobmanager_.find(job_id);
  if (it == job_to_jobmanager_.end()) return;
  std::shared_ptr<JobManager> jm = it->second;
  job_to_jobmanager_.erase(it);
  jm->jobs.erase(job_id);
  if (jm->jobs.empty()) {
    jm->removed = true;  // its heap item is dropped when it comes up
    jobmanagers_.erase(jm->key);
    PollMetrics().jobmanagers.Set(static_cast<double>(jobmanagers_.size()));
  }
}

JobManagerPoller::Stats JobManagerPoller::GetStats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.jobmanagers = jobmanagers_.size();
  s.jobs = job_to_jobmanager_.size();
  return s;
}

// Leader and followers: one thread waits for the earliest poll to come due, the others
// wait untimed until it hands the waiting over (when it takes a poll), so a due poll wakes
// one thread, not all of them.
void JobManagerPoller::Loop() {
  std::vector<JobOverviewEntry> entries;
  std::vector<int64_t> wakes;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (heap_.empty() || leader_) {
      cv_.wait(lock);
      continue;
    }
    Item top = heap_.top();
    if (top.jm->removed) {
      heap_.pop();
      continue;
    }
    if (Clock::now() < top.due) {
      leader_ = true;
      leader_cv_.wait_until(lock, top.due);
      leader_ = false;
      continue;
    }
    heap_.pop();
    cv_.notify_one();  // the next leader
    lock.unlock();
    wakes.clear();
    Poll(top.jm, entries, wakes);
    for (int64_t id : wakes)
      wake_(id);
    lock.lock();
    if (top.jm->removed) continue;
    // The next poll a period after this one was due; one that fell behind does not
    // try to catch up with a burst.
    Clock::time_point next = top.due + options_.period;
    Clock::time_point now = Clock::now();
    if (next < now) next = now;
    top.jm->due = next;
    Push({next, top.jm});
  }
}

// With mu_ held.
void JobManagerPoller::Push(Item item) {
  bool earliest = heap_.empty() || item.due < heap_.top().due;
  heap_.push(std::move(item));
  if (earliest) {
    leader_cv_.notify_one();  // waits for a later one
    if (!leader_) cv_.notify_one();
  }
}

void JobManagerPoller::Poll(const std::shared_ptr<JobManager>& jm,
                            std::vector<JobOverviewEntry>& entries, std::vector<int64_t>& wakes) {
  auto response =
      jm->transport({.path = "/jobs/overview", .timeout = options_.timeout, .idempotent = false});
  bool ok = response.ok() && response->status == 200 && ParseJobsOverview(response->body, entries);
  PollerMetrics& m = PollMetrics();
  (ok ? m.polls_ok : m.polls_failed).Inc();
  std::lock_guard lock(mu_);
  ++stats_.polls;
  Clock::time_point now = Clock::now();
  if (!ok) {
    ++stats_.failures;
    if (!jm->failing) {
      jm->failing = true;
      jm->failing_since = now;
    }
    // Silent for the grace period: the reconciler calls the job lost at its next pass.
    if (now - jm->failing_since >= options_.grace &&
        (!jm->failure_woken || now - jm->last_failure_wake >= options_.grace)) {
      jm->failure_woken = true;
      jm->last_failure_wake = now;
      for (const auto& [id, _] : jm->jobs)
        wakes.push_back(id);
    }
    stats_.wakes += static_cast<int64_t>(wakes.size());
    m.wakes.Inc(static_cast<double>(wakes.size()));
    return;
  }
  const bool answering_again = jm->failure_woken;
  jm->failing = false;
  jm->failure_woken = false;
  for (auto& [id, job] : jm->jobs) {
    const JobOverviewEntry* found = nullptr;
    for (const auto& e : entries) {
      if (e.jid == job.flink_job_id) found = &e;
    }
    bool changed;
    if (!job.seen) {
      // First look: a change since the pass saw the job, or the job is not there.
      changed = !found || found->state != job.pass_state;
    } else {
      changed = job.present != (found != nullptr) ||
                (found &&
                 (found->state != job.seen_state || found->last_modification != job.seen_modified));
    }
    job.seen = true;
    job.present = found != nullptr;
    if (found) {
      job.seen_state.assign(found->state);
      job.seen_modified = found->last_modification;
    }
    if (changed || answering_again) wakes.push_back(id);
  }
  stats_.wakes += static_cast<int64_t>(wakes.size());
  m.wakes.Inc(static_cast<double>(wakes.size()));
}

}  // namespace sluice::observe
