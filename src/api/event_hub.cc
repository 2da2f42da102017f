#include "api/event_hub.h"

#include <nlohmann/json.hpp>

#include "api/audit_log.h"
#include "common/log.h"
#include "common/time.h"

namespace sluice::api {
namespace {

constexpr int kPollLimit = 1000;
constexpr int kBacklogPage = 500;
constexpr int64_t kJobInfoTtlMs = 10'000;

}  // namespace

struct EventHub::Entry {
  Subscriber sub;
  int64_t min_id = -1;  // events with this id or lower are not sent
  bool needs_backlog = false;
  bool dead = false;
};

EventHub::EventHub(store::Store& store, EventOptions options, Clock clock)
    : store_(store), options_(options), clock_(std::move(clock)) {}

EventHub::~EventHub() {
  Stop();
}

Status EventHub::Start() {
  SLUICE_ASSIGN_OR_RETURN(int64_t latest, store_.LatestEventId());
  feed_ = EventFeed(latest, options_.gap_grace.count());
  watermark_ = latest;
  last_heartbeat_ = clock_();
  std::lock_guard lock(mu_);
  started_ = true;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void EventHub::Stop() {
  std::map<uint64_t, std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    entries.swap(entries_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& [id, e] : entries)
    e->sub.writer->Close();
}

std::string EventHub::Frame(int64_t id, std::string_view event, const std::string& data) {
  std::string out;
  if (id >= 0) out += "id: " + std::to_string(id) + "\n";
  out += "event: ";
  out += event;
  out += "\ndata: " + data + "\n\n";
  return out;
}

uint64_t EventHub::Subscribe(Subscriber subscriber) {
  auto entry = std::make_shared<Entry>();
  entry->min_id = subscriber.last_event_id;
  entry->needs_backlog = subscriber.last_event_id >= 0;
  entry->sub = std::move(subscriber);
  // Tell EventSource how soon to reconnect, and send something so that the client sees
  // the stream open at once.
  entry->sub.writer->Write("retry: 3000\n: connected\n\n");
  uint64_t id;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      entry->sub.writer->Close();
      return 0;
    }
    id = ++next_id_;
    entries_[id] = entry;
  }
  if (entry->needs_backlog) cv_.notify_all();
  return id;
}

void EventHub::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  entries_.erase(id);
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

int64_t EventHub::watermark() const {
  return watermark_.load();
}

void EventHub::Run() {
  bool more = false;
  for (;;) {
    std::vector<std::shared_ptr<Entry>> entries;
    {
      std::unique_lock lock(mu_);
      if (!more) {
        cv_.wait_for(lock, options_.poll_interval, [&] {
          if (stopping_) return true;
          for (const auto& [id, e] : entries_) {
            if (e->needs_backlog) return true;
          }
          return false;
        });
      }
      if (stopping_) return;
      for (const auto& [id, e] : entries_)
        entries.push_back(e);
    }
    for (auto& e : entries) {
      if (e->needs_backlog) SendBacklog(*e, feed_.watermark());
    }

    int64_t now = clock_();
    auto rows = store_.ListEventsSince(feed_.watermark(), kPollLimit);
    if (!rows.ok()) {
      if (now - last_error_log_ > 60'000) {
        log::Warn("events.poll_failed").With(rows.error());
        last_error_log_ = now;
      }
      more = false;
      continue;
    }
    more = static_cast<int>(rows->size()) == kPollLimit;
    auto events = feed_.Accept(std::move(rows).value(), now);
    watermark_ = feed_.watermark();
    held_back_ = feed_.held_back();
    if (!events.empty()) Deliver(events);
    if (now - last_heartbeat_ >= options_.heartbeat.count()) {
      last_heartbeat_ = now;
      Heartbeat();
    }
    std::lock_guard lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      it =
          it->second->dead || it->second->sub.writer->closed() ? entries_.erase(it) : std::next(it);
    }
  }
}

const EventHub::JobInfo& EventHub::Job(int64_t job_id, int64_t now) {
  auto it = jobs_.find(job_id);
  if (it != jobs_.end() && now - it->second.fetched_at < kJobInfoTtlMs) return it->second;
  if (jobs_.size() > 10'000) jobs_.clear();
  JobInfo info;
  info.fetched_at = now;
  auto job = store_.GetJob(job_id);
  if (job.ok()) {
    info.name = job->name;
    if (job->team_id) {
      auto t = team_names_.find(job->team_id);
      if (t == team_names_.end()) {
        auto team = store_.GetTeam(job->team_id);
        // An unknown team matches no one's role: only global readers see the event.
        std::string name = team.ok() ? team->name : "#" + std::to_string(job->team_id);
        t = team_names_.emplace(job->team_id, name).first;
      }
      info.team = t->second;
    }
  }
  return jobs_[job_id] = std::move(info);
}

std::string EventHub::Format(const store::JobEvent& e, const JobInfo& job) const {
  nlohmann::json details = nlohmann::json::parse(e.details_json, nullptr, false);
  if (details.is_discarded()) details = nlohmann::json::object();
  nlohmann::json data = {
      {"id", e.id},
      {"jobId", e.job_id},
      {"job", job.name},
      {"team", job.team.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.team)},
      {"type", e.type},
      {"from", e.from_state},
      {"to", e.to_state},
      {"reason", e.reason},
      {"actor", e.actor},
      {"time", FormatRfc3339(e.time)},
      {"details", AuditLog::Redact(details)}};
  return Frame(e.id, "job-event",
               data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void EventHub::SendBacklog(Entry& entry, int64_t upto) {
  entry.needs_backlog = false;
  int64_t from = entry.min_id;
  entry.min_id = std::max(entry.min_id, upto);
  if (from >= upto) return;
  if (upto - from > options_.max_backlog) {
    nlohmann::json data = {{"reason", "the client is too far behind to replay what it missed"},
                           {"resumeFrom", upto}};
    if (!entry.sub.writer->Write(Frame(upto, "reset", data.dump()))) entry.dead = true;
    return;
  }
  int64_t now = clock_();
  while (from < upto && !entry.dead) {
    auto rows = store_.ListEventsSince(from, kBacklogPage);
    if (!rows.ok()) {
      log::Warn("events.backlog_failed").With(rows.error());
      return;
    }
    if (rows->empty()) break;
    for (const auto& e : *rows) {
      if (e.id > upto) {
        from = upto;
        break;
      }
      from = e.id;
      const JobInfo& job = Job(e.job_id, now);
      if (!entry.sub.may_read(job.team)) continue;
      if (!entry.sub.writer->Write(Format(e, job))) {
        entry.dead = true;
        break;
      }
    }
    if (static_cast<int>(rows->size()) < kBacklogPage) break;
  }
}

void EventHub::Deliver(const std::vector<store::JobEvent>& events) {
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, e] : entries_) {
      if (!e->needs_backlog && !e->dead) entries.push_back(e);
    }
  }
  int64_t now = clock_();
  for (const auto& ev : events) {
    const JobInfo& job = Job(ev.job_id, now);
    std::string frame;
    for (auto& e : entries) {
      if (e->dead || ev.id <= e->min_id || !e->sub.may_read(job.team)) continue;
      if (frame.empty()) frame = Format(ev, job);
      if (!e->sub.writer->Write(frame)) e->dead = true;
    }
  }
}

void EventHub::Heartbeat() {
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, e] : entries_)
      entries.push_back(e);
  }
  for (auto& e : entries) {
    if (e->dead) continue;
    if (e->sub.still_valid && !e->sub.still_valid()) {
      e->sub.writer->Write(Frame(-1, "end", R"({"reason":"the credentials are no longer valid"})"));
      e->sub.writer->Close();
      e->dead = true;
      continue;
    }
    if (!e->sub.writer->Write(": keep-alive\n\n")) e->dead = true;
  }
}

}  // namespace sluice::api
