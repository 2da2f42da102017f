#include "api/rate_limiter.h"

#include <algorithm>
#include <vector>

namespace sluice::api {

RateLimiter::RateLimiter(int max_events, int64_t window_ms, size_t max_keys)
    : max_events_(std::max(1, max_events)), window_ms_(window_ms), max_keys_(max_keys) {}

void RateLimiter::Prune(Entry& e, int64_t now) const {
  while (!e.times.empty() && e.times.front() <= now - window_ms_)
    e.times.pop_front();
}

int64_t RateLimiter::RetryAfter(const std::string& key, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  Prune(it->second, now);
  if (static_cast<int>(it->second.times.size()) < max_events_) return 0;
  return std::max<int64_t>(1, it->second.times.front() + window_ms_ - now);
}

void RateLimiter::Record(const std::string& key, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    EvictIfFull();
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& e = it->second;
  Prune(e, now);
  e.times.push_back(now);
  while (static_cast<int>(e.times.size()) > max_events_)
    e.times.pop_front();
  e.last = now;
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void RateLimiter::EvictIfFull() {
  if (entries_.size() < max_keys_) return;
  // Drop the tenth of the keys seen least recently; rare, so a full scan is fine.
  std::vector<std::pair<int64_t, std::string>> by_age;
  by_age.reserve(entries_.size());
  for (const auto& [k, e] : entries_)
    by_age.emplace_back(e.last, k);
  size_t drop = std::max<size_t>(1, entries_.size() / 10);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<long>(drop - 1), by_age.end());
  for (size_t i = 0; i < drop; ++i)
    entries_.erase(by_age[i].second);
}

}  // namespace sluice::api
