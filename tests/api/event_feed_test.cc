#include "api/event_feed.h"

#include <gtest/gtest.h>

namespace sluice::api {
namespace {

std::vector<store::JobEvent> Rows(std::initializer_list<int64_t> ids) {
  std::vector<store::JobEvent> out;
  for (int64_t id : ids)
    out.push_back({.id = id, .type = "e" + std::to_string(id)});
  return out;
}

std::vector<int64_t> Ids(const std::vector<store::JobEvent>& events) {
  std::vector<int64_t> out;
  for (const auto& e : events)
    out.push_back(e.id);
  return out;
}

TEST(EventFeedTest, DeliversInOrderWithoutGaps) {
  EventFeed feed(10, 1000);
  EXPECT_EQ(Ids(feed.Accept(Rows({11, 12, 13}), 0)), (std::vector<int64_t>{11, 12, 13}));
  EXPECT_EQ(feed.watermark(), 13);
  EXPECT_TRUE(feed.Accept(Rows({}), 1).empty());
  // Rows at or below the watermark (a slow replica's re-read) are ignored.
  EXPECT_TRUE(feed.Accept(Rows({12, 13}), 2).empty());
}

TEST(EventFeedTest, HoldsBackUntilTheGapFills) {
  EventFeed feed(10, 1000);
  // 11 belongs to a transaction that has not committed yet; 12 and 13 are visible.
  EXPECT_TRUE(feed.Accept(Rows({12, 13}), 0).empty());
  EXPECT_EQ(feed.watermark(), 10);
  EXPECT_EQ(feed.held_back(), 2u);
  EXPECT_TRUE(feed.Accept(Rows({12, 13}), 500).empty());  // next poll re-reads after 10
  EXPECT_EQ(Ids(feed.Accept(Rows({11, 12, 13, 14}), 600)), (std::vector<int64_t>{11, 12, 13, 14}));
  EXPECT_EQ(feed.held_back(), 0u);
  EXPECT_EQ(feed.skipped(), 0);
}

TEST(EventFeedTest, GivesUpOnAGapAfterTheGrace) {
  EventFeed feed(10, 1000);
  EXPECT_TRUE(feed.Accept(Rows({13}), 0).empty());  // 11 and 12 missing
  EXPECT_TRUE(feed.Accept(Rows({13}), 999).empty());
  EXPECT_EQ(Ids(feed.Accept(Rows({13, 14}), 1000)), (std::vector<int64_t>{13, 14}));
  EXPECT_EQ(feed.skipped(), 2);
  EXPECT_EQ(feed.watermark(), 14);
  // A second gap gets its own grace, counted from when it is first seen.
  EXPECT_TRUE(feed.Accept(Rows({16}), 5000).empty());
  EXPECT_TRUE(feed.Accept(Rows({16}), 5999).empty());
  EXPECT_EQ(Ids(feed.Accept(Rows({16}), 6000)), (std::vector<int64_t>{16}));
}

TEST(EventFeedTest, OutOfOrderRowsInOnePoll) {
  EventFeed feed(0, 1000);
  EXPECT_EQ(Ids(feed.Accept(Rows({3, 1, 2}), 0)), (std::vector<int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace sluice::api
