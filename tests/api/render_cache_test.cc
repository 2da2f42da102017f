// RenderCache: hits, replacement, eviction of the least recently used beyond the byte bound.
#include <gtest/gtest.h>

#include "api/render_cache.h"

namespace sluice::api {
namespace {

TEST(RenderCacheTest, KeepsWhatWasPutAndReplaces) {
  RenderCache cache(1 << 20);
  EXPECT_EQ(cache.Get("a"), nullptr);
  cache.Put("a", "one");
  ASSERT_NE(cache.Get("a"), nullptr);
  EXPECT_EQ(*cache.Get("a"), "one");
  cache.Put("a", "two");
  EXPECT_EQ(*cache.Get("a"), "two");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(RenderCacheTest, EvictsTheLeastRecentlyUsedBeyondTheBound) {
  // Each entry costs its key, its value and 64 bytes: three of these fit in 600 bytes.
  RenderCache cache(600);
  std::string value(100, 'x');
  cache.Put("a", value);
  cache.Put("b", value);
  cache.Put("c", value);
  ASSERT_NE(cache.Get("a"), nullptr);  // now b is the least recently used
  cache.Put("d", value);
  EXPECT_EQ(cache.Get("b"), nullptr);
  EXPECT_NE(cache.Get("a"), nullptr);
  EXPECT_NE(cache.Get("c"), nullptr);
  EXPECT_NE(cache.Get("d"), nullptr);
  EXPECT_LE(cache.bytes(), 600u);
}

TEST(RenderCacheTest, AValueLargerThanTheBoundIsReturnedButNotKept) {
  RenderCache cache(100);
  auto v = cache.Put("big", std::string(1000, 'y'));
  EXPECT_EQ(v->size(), 1000u);
  EXPECT_EQ(cache.Get("big"), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace sluice::api
