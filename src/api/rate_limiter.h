// Counts failures per key (a remote address, a user name) in a sliding window and says how
// long a key must wait once it has used its allowance. In memory, per process: with several
// replicas each one limits on its own (see README).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace sluice::api {

class RateLimiter {
 public:
  // At most `max_events` within `window_ms`; at most `max_keys` keys are tracked (the ones
  // seen least recently are forgotten first).
  RateLimiter(int max_events, int64_t window_ms, size_t max_keys = 100'000);

  // 0 when `key` may go ahead at `now`, else the milliseconds until it may.
  int64_t RetryAfter(const std::string& key, int64_t now);
  void Record(const std::string& key, int64_t now);
  void Reset(const std::string& key);

 private:
  struct Entry {
    std::deque<int64_t> times;
    int64_t last = 0;
  };
  void Prune(Entry& e, int64_t now) const;
  void EvictIfFull();

  int max_events_;
  int64_t window_ms_;
  size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace sluice::api
