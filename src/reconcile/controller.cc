#include "reconcile/controller.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>

#include "common/ids.h"
#include "common/log.h"
#include "common/time.h"
#include "reconcile/metrics.h"

namespace sluice::reconcile {
namespace {

using std::chrono::milliseconds;

thread_local const PassLease* current_pass_lease = nullptr;

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

const PassLease* CurrentPassLease() {
  return current_pass_lease;
}

std::string NewReplicaId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::snprintf(host, 8, "host");
  return std::string(host) + "-" + std::to_string(getpid()) + "-" + RandomHex(4);
}

milliseconds BackoffDelay(int failures, milliseconds base, milliseconds max) {
  if (failures <= 0) return milliseconds{0};
  milliseconds d = base;
  for (int i = 1; i < failures && d < max; ++i)
    d *= 2;
  return std::min(d, max);
}

Status ValidateOptions(const ControllerOptions& o) {
  if (o.workers < 1 || o.workers > 256) {
    return InvalidArgument("reconcile workers must be between 1 and 256, not " +
                           std::to_string(o.workers));
  }
  if (o.lease_ttl < milliseconds{100}) return InvalidArgument("the lease time must be >= 100ms");
  if (o.renew_interval >= o.lease_ttl) {
    return InvalidArgument("leases must be renewed more often than they expire (renew " +
                           FormatDuration(o.renew_interval) + ", lease " +
                           FormatDuration(o.lease_ttl) + ")");
  }
  if (o.lease_margin >= o.lease_ttl) {
    return InvalidArgument("the lease margin must be shorter than the lease time");
  }
  if (o.resync_interval < milliseconds{100}) {
    return InvalidArgument("the resync interval must be >= 100ms");
  }
  if (o.backoff_base <= milliseconds{0} || o.backoff_max < o.backoff_base) {
    return InvalidArgument("backoff: the base must be positive and at most the maximum");
  }
  return Status::Ok();
}

Controller::Controller(store::Store& store, ReconcileFn fn, ControllerOptions options)
    : store_(store), fn_(std::move(fn)), options_(std::move(options)) {
  if (options_.replica_id.empty()) options_.replica_id = NewReplicaId();
  if (options_.renew_interval.count() == 0) options_.renew_interval = options_.lease_ttl / 3;
  if (options_.lease_margin.count() == 0) options_.lease_margin = options_.lease_ttl / 3;
  options_.resync_page = std::clamp(options_.resync_page, 1, 10000);
}

Controller::~Controller() {
  Stop();
}

Status Controller::Start() {
  SLUICE_RETURN_IF_ERROR(ValidateOptions(options_));
  std::lock_guard lock(mu_);
  if (started_) return FailedPrecondition("the controller is already started");
  started_ = true;
  for (int i = 0; i < options_.workers; ++i)
    threads_.emplace_back([this] { WorkerLoop(); });
  threads_.emplace_back([this] { RenewLoop(); });
  threads_.emplace_back([this] { ResyncLoop(); });
  log::Info("reconcile.controller.started")
      .With("replica", options_.replica_id)
      .With("workers", options_.workers)
      .With("leaseTtl", FormatDuration(options_.lease_ttl));
  return Status::Ok();
}

void Controller::Stop() {
  Shutdown(/*release=*/true);
}

void Controller::Abandon() {
  Shutdown(/*release=*/false);
}

void Controller::Shutdown(bool release) {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
    threads.swap(threads_);
  }
  work_cv_.notify_all();
  tick_cv_.notify_all();
  for (auto& t : threads)
    t.join();  // the passes in flight finish first
  size_t held = 0;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, e] : jobs_) {
      if (e.held) ++held;
      e.held = false;
    }
  }
  if (release && held > 0) {
    auto released = store_.ReleaseLeases(options_.replica_id);
    if (released.ok()) {
      Metrics().lease_changes.With({"released"}).Inc(static_cast<double>(*released));
    } else {
      log::Warn("reconcile.leases.release_failed").With(released.error());
    }
  }
  Metrics().leases_held.With({}).Set(0);
  log::Info("reconcile.controller.stopped")
      .With("replica", options_.replica_id)
      .With("released", release)
      .With("leases", held);
}

void Controller::Enqueue(int64_t job_id) {
  {
    std::lock_guard lock(mu_);
    Entry& e = jobs_[job_id];
    if (e.running) {
      e.again = true;
      return;
    }
    if (e.queued && e.urgent) return;  // already first in line: keep its place
    ScheduleLocked(job_id, e, Clock::now(), /*urgent=*/true);
  }
  work_cv_.notify_one();
}

void Controller::ScheduleLocked(int64_t job_id, Entry& e, Clock::time_point due, bool urgent) {
  e.due = due;
  e.seq = ++next_seq_;
  e.queued = true;
  e.urgent = urgent;
  heap_.push({due, e.seq, job_id, urgent});
}

int64_t Controller::WallNow() const {
  return options_.wall_clock ? options_.wall_clock() : NowMillis();
}

void Controller::WorkerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (heap_.empty()) {
      work_cv_.wait(lock);
      continue;
    }
    Item top = heap_.top();
    auto it = jobs_.find(top.job_id);
    if (it == jobs_.end() || !it->second.queued || it->second.seq != top.seq ||
        it->second.running) {
      heap_.pop();  // stale: rescheduled, forgotten or running
      continue;
    }
    if (!top.urgent && top.due > Clock::now()) {
      work_cv_.wait_until(lock, top.due);
      continue;
    }
    heap_.pop();
    it->second.queued = false;
    it->second.running = true;
    lock.unlock();
    RunOne(top.job_id);
    lock.lock();
  }
}

Controller::LeaseCheck Controller::EnsureLease(int64_t job_id, Clock::time_point* retry_at,
                                               Error* error) {
  Clock::time_point sent = Clock::now();
  bool was_held = false;
  {
    std::lock_guard lock(mu_);
    Entry& e = jobs_[job_id];
    was_held = e.held;
    if (e.held && e.lease_valid_until - sent > options_.lease_margin) return LeaseCheck::kHeld;
  }
  // Not held, or too close to its end for a pass: take or renew it in the store first.
  int64_t wall = WallNow();
  auto lease = store_.AcquireLease(job_id, options_.replica_id, wall, options_.lease_ttl.count());
  std::lock_guard lock(mu_);
  Entry& e = jobs_[job_id];
  if (lease.ok()) {
    e.held = true;
    e.lease_valid_until = sent + options_.lease_ttl;  // from before the request: conservative
    e.generation = lease->generation;
    if (!was_held) {
      Metrics().lease_changes.With({"acquired"}).Inc();
      log::Debug("reconcile.lease.acquired")
          .With("job", job_id)
          .With("generation", lease->generation);
    }
    return LeaseCheck::kHeld;
  }
  e.held = false;
  if (was_held) {
    Metrics().lease_changes.With({"lost"}).Inc();
    log::Warn("reconcile.lease.lost").With("job", job_id).With(lease.error());
  }
  if (lease.error().code == ErrorCode::kNotFound) return LeaseCheck::kGone;
  if (lease.error().code == ErrorCode::kConflict) {
    // Look again when the other replica's lease would expire if it stopped renewing.
    auto current = store_.GetLease(job_id);
    milliseconds wait = options_.lease_ttl;
    if (current.ok()) wait = milliseconds{std::max<int64_t>(current->expires_at - wall, 0)};
    *retry_at = Clock::now() + std::min(wait, options_.lease_ttl) + milliseconds{50};
    return LeaseCheck::kElsewhere;
  }
  *error = lease.error();
  return LeaseCheck::kError;
}

void Controller::RunOne(int64_t job_id) {
  Clock::time_point retry_at{};
  Error lease_error;
  LeaseCheck check = EnsureLease(job_id, &retry_at, &lease_error);

  Result<PassResult> result = PassResult{};
  Clock::time_point start = Clock::now();
  if (check == LeaseCheck::kHeld) {
    PassLease lease{.job_id = job_id};
    {
      std::lock_guard lock(mu_);
      const Entry& e = jobs_[job_id];
      lease.generation = e.generation;
      lease.valid_until = e.lease_valid_until;
    }
    current_pass_lease = &lease;
    try {
      result = fn_(job_id);
    } catch (const std::exception& ex) {
      result = Internal(std::string("reconcile pass threw: ") + ex.what());
    } catch (...) {
      result = Internal("reconcile pass threw");
    }
    current_pass_lease = nullptr;
    Metrics().pass_seconds.With({}).Observe(Seconds(Clock::now() - start));
  }
  Clock::time_point now = Clock::now();

  bool forget = false, release = false;
  {
    std::lock_guard lock(mu_);
    Entry& e = jobs_[job_id];
    e.running = false;
    Clock::time_point due = now;
    switch (check) {
      case LeaseCheck::kGone:
        forget = true;
        break;
      case LeaseCheck::kElsewhere:
        due = retry_at;
        break;
      case LeaseCheck::kError:
        ++e.failures;
        due = now + BackoffDelay(e.failures, options_.backoff_base, options_.backoff_max);
        log::Warn("reconcile.lease.error").With("job", job_id).With(lease_error);
        break;
      case LeaseCheck::kHeld:
        if (!result.ok()) {
          ++e.failures;
          due = now + BackoffDelay(e.failures, options_.backoff_base, options_.backoff_max);
          Metrics().passes.With({"error"}).Inc();
          log::Warn("reconcile.pass.failed")
              .With("job", job_id)
              .With("failures", e.failures)
              .With(result.error());
        } else if (result->forget) {
          forget = release = true;
          Metrics().passes.With({"forget"}).Inc();
        } else {
          e.failures = 0;
          due = now + std::max(result->requeue_after, milliseconds{0});
          Metrics().passes.With({"ok"}).Inc();
        }
        break;
    }
    if (forget) {
      jobs_.erase(job_id);
    } else {
      bool urgent = e.again;
      if (e.again) due = now;
      e.again = false;
      ScheduleLocked(job_id, e, due, urgent);
    }
  }
  work_cv_.notify_one();
  if (release) {
    Status st = store_.ReleaseLease(job_id, options_.replica_id);
    if (st.ok()) {
      Metrics().lease_changes.With({"released"}).Inc();
    } else {
      log::Warn("reconcile.lease.release_failed").With("job", job_id).With(st.error());
    }
  }
}

void Controller::RenewLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    tick_cv_.wait_for(lock, options_.renew_interval);
    if (stopping_) break;
    lock.unlock();
    RenewLeases();
    UpdateGauges();
    lock.lock();
  }
}

void Controller::RenewLeases() {
  std::vector<int64_t> held;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, e] : jobs_)
      if (e.held) held.push_back(id);
  }
  if (held.empty()) return;
  Clock::time_point sent = Clock::now();
  auto renewed =
      store_.RenewLeases(options_.replica_id, held, WallNow(), options_.lease_ttl.count());
  if (!renewed.ok()) {
    // Nothing renewed: passes stop by themselves when the local lease times run out.
    log::Warn("reconcile.leases.renew_failed").With("leases", held.size()).With(renewed.error());
    return;
  }
  size_t lost = 0;
  std::lock_guard lock(mu_);
  for (int64_t id : held) {
    auto it = jobs_.find(id);
    if (it == jobs_.end() || !it->second.held) continue;
    if (std::binary_search(renewed->begin(), renewed->end(), id)) {
      it->second.lease_valid_until = sent + options_.lease_ttl;
    } else {
      it->second.held = false;
      ++lost;
    }
  }
  if (lost > 0) {
    Metrics().lease_changes.With({"lost"}).Inc(static_cast<double>(lost));
    log::Warn("reconcile.leases.lost").With("replica", options_.replica_id).With("leases", lost);
  }
}

void Controller::ResyncLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Resync();
    UpdateGauges();
    lock.lock();
    // A Shutdown during Resync notified nobody: look at stopping_ before sleeping.
    tick_cv_.wait_for(lock, options_.resync_interval, [this] { return stopping_; });
  }
}

void Controller::Resync() {
  int64_t after = 0;
  size_t added = 0;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    auto page = store_.ListReconcilableJobs(after, options_.resync_page);
    if (!page.ok()) {
      log::Warn("reconcile.resync.failed").With(page.error());
      return;
    }
    {
      std::lock_guard lock(mu_);
      Clock::time_point now = Clock::now();
      for (int64_t id : *page) {
        auto [it, inserted] = jobs_.try_emplace(id);
        if (!inserted) continue;
        ScheduleLocked(id, it->second, now);
        ++added;
      }
    }
    if (added > 0) work_cv_.notify_all();
    if (static_cast<int>(page->size()) < options_.resync_page) break;
    after = page->back();
  }
  if (added > 0) log::Debug("reconcile.resync").With("added", added);
}

void Controller::UpdateGauges() {
  Stats s = GetStats();
  Metrics().queue_depth.With({}).Set(static_cast<double>(s.due));
  Metrics().jobs.With({}).Set(static_cast<double>(s.tracked));
  Metrics().leases_held.With({}).Set(static_cast<double>(s.leases_held));
}

Controller::Stats Controller::GetStats() const {
  std::lock_guard lock(mu_);
  Stats s;
  Clock::time_point now = Clock::now();
  s.tracked = jobs_.size();
  for (const auto& [id, e] : jobs_) {
    if (e.running) ++s.running;
    if (e.queued && !e.running && e.due <= now) ++s.due;
    if (e.held) ++s.leases_held;
  }
  return s;
}

std::vector<int64_t> Controller::HeldLeases() const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  for (const auto& [id, e] : jobs_)
    if (e.held) out.push_back(id);
  return out;
}

int Controller::Failures(int64_t job_id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? 0 : it->second.failures;
}

}  // namespace sluice::reconcile
