#include "api/event_feed.h"

namespace sluice::api {

std::vector<store::JobEvent> EventFeed::Accept(std::vector<store::JobEvent> rows, int64_t now) {
  for (auto& e : rows) {
    if (e.id > watermark_) pending_.emplace(e.id, std::move(e));
  }
  std::vector<store::JobEvent> out;
  while (!pending_.empty()) {
    auto first = pending_.begin();
    if (first->first == watermark_ + 1) {
      out.push_back(std::move(first->second));
      pending_.erase(first);
      ++watermark_;
      gap_since_.reset();
      continue;
    }
    if (!gap_since_) {
      gap_since_ = now;
      break;
    }
    if (now - *gap_since_ < grace_ms_) break;
    skipped_ += first->first - watermark_ - 1;
    watermark_ = first->first - 1;
    gap_since_.reset();
  }
  return out;
}

}  // namespace sluice::api
