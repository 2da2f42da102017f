// Live job events for server-sent events: one poller per process reads the store's job
// events (EventFeed keeps them in order) and fans them out to every subscriber, each
// seeing only the events of jobs it may read. Several replicas on one PostgreSQL database
// each run their own poller over the same table, so a client sees every event whichever
// replica it is connected to.
//
// A subscriber that resumes (Last-Event-ID) first gets the events it missed, read from the
// store, then the live ones; the poller thread does both, so nothing is sent twice or out
// of order. Heartbeat comments keep proxies from closing quiet streams and notice clients
// that went away; at each heartbeat the subscriber's credentials are checked again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/auth_options.h"
#include "api/event_feed.h"
#include "http/message.h"
#include "store/store.h"

namespace sluice::api {

struct EventOptions {
  std::chrono::milliseconds poll_interval = 500ms;
  std::chrono::milliseconds heartbeat = 15s;
  std::chrono::milliseconds gap_grace = 5s;  // see event_feed.h
  int max_backlog = 10'000;  // a resume further behind than this starts with a reset event
};

class EventHub {
 public:
  struct Subscriber {
    std::shared_ptr<http::StreamWriter> writer;
    // Whether an event of a job in `team` ("" for a job without a team) may be shown.
    std::function<bool(const std::string& team)> may_read;
    // Called at heartbeats; false ends the stream (credentials revoked or expired).
    std::function<bool()> still_valid;
    int64_t last_event_id = -1;  // resume after this id; -1: live events only
  };

  EventHub(store::Store& store, EventOptions options, Clock clock);
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Starts after the newest event in the store.
  Status Start();
  // Closes every stream and stops the poller. Idempotent.
  void Stop();

  uint64_t Subscribe(Subscriber subscriber);
  void Unsubscribe(uint64_t id);
  size_t subscribers() const;
  int64_t watermark() const;
  size_t held_back() const { return held_back_.load(); }  // events waiting behind a gap

  // One SSE frame; the data is one JSON line.
  static std::string Frame(int64_t id, std::string_view event, const std::string& data);

 private:
  struct Entry;
  struct JobInfo {
    std::string name, team;
    int64_t fetched_at = 0;
  };

  void Run();
  void SendBacklog(Entry& entry, int64_t upto);
  void Deliver(const std::vector<store::JobEvent>& events);
  void Heartbeat();
  const JobInfo& Job(int64_t job_id, int64_t now);
  std::string Format(const store::JobEvent& e, const JobInfo& job) const;

  store::Store& store_;
  EventOptions options_;
  Clock clock_;
  EventFeed feed_{0, 0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool started_ = false;
  uint64_t next_id_ = 0;
  std::map<uint64_t, std::shared_ptr<Entry>> entries_;
  std::atomic<int64_t> watermark_{0};
  std::atomic<size_t> held_back_{0};

  // Poller thread only.
  std::map<int64_t, JobInfo> jobs_;
  std::map<int64_t, std::string> team_names_;
  int64_t last_heartbeat_ = 0;
  int64_t last_error_log_ = 0;
  std::thread thread_;
};

}  // namespace sluice::api
