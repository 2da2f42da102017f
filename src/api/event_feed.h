// Turns "rows with id > N" polls of job_events into an ordered stream without holes.
//
// On PostgreSQL an id is taken when a row is inserted but becomes visible when its
// transaction commits, so id 11 can be visible before id 10 is. The feed holds back
// everything after a gap until the gap fills, or until it has stayed open for `grace`
// (the id belonged to a transaction that rolled back): then it gives up on the missing id
// and moves on. What it delivers is in id order and each event once, so a client that
// resumes after event N (Last-Event-ID) misses nothing that committed in time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "store/records.h"

namespace sluice::api {

class EventFeed {
 public:
  EventFeed(int64_t start_after, int64_t grace_ms) : watermark_(start_after), grace_ms_(grace_ms) {}

  // Where the next poll starts: everything up to here is delivered or given up on.
  int64_t watermark() const { return watermark_; }
  // Takes the rows of a poll (ids above watermark(), any order); returns what may be
  // delivered now, in id order.
  std::vector<store::JobEvent> Accept(std::vector<store::JobEvent> rows, int64_t now);
  size_t held_back() const { return pending_.size(); }
  int64_t skipped() const { return skipped_; }

 private:
  int64_t watermark_;
  int64_t grace_ms_;
  std::optional<int64_t> gap_since_;  // when the gap after the watermark was first seen
  int64_t skipped_ = 0;               // ids given up on
  std::map<int64_t, store::JobEvent> pending_;
};

}  // namespace sluice::api
