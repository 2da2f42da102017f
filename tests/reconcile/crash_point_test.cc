#include "reconcile/crash_point.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::reconcile {
namespace {

TEST(CrashPointTest, Parses) {
  auto p = ParseCrashPoint("after:3:17");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_TRUE(p->after);
  EXPECT_EQ(p->nth, 3);
  EXPECT_EQ(p->job_id, 17);
  p = ParseCrashPoint("before:1");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->after);
  EXPECT_EQ(p->job_id, 0);
  for (const char* bad : {"", "before", "during:1", "before:0", "after:x", "after:2:", "a:1:2:3"}) {
    auto r = ParseCrashPoint(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().where, "SLUICE_TEST_CRASH_AT");
    }
  }
}

// The hook as a pass calls it: before and after each call, for two jobs.
std::vector<std::string> CrashesAt(const std::string& text) {
  std::vector<std::string> crashed;
  auto hook =
      CrashHook(*ParseCrashPoint(text), [&](std::string_view call) { crashed.emplace_back(call); });
  for (auto [job, call] : std::vector<std::pair<int64_t, std::string>>{
           {1, "submit"}, {2, "submit"}, {1, "suspend"}, {1, "poll"}}) {
    hook(job, call, false);
    hook(job, call, true);
  }
  return crashed;
}

TEST(CrashPointTest, CrashesOnceAtTheNthCall) {
  EXPECT_EQ(CrashesAt("before:1"), std::vector<std::string>{"submit"});
  EXPECT_EQ(CrashesAt("after:3"), std::vector<std::string>{"suspend"});
  EXPECT_EQ(CrashesAt("after:3:1"), std::vector<std::string>{"poll"});  // job 1's third
  EXPECT_EQ(CrashesAt("before:2:2"), std::vector<std::string>{});       // job 2 has one
  EXPECT_EQ(CrashesAt("before:5"), std::vector<std::string>{});
}

}  // namespace
}  // namespace sluice::reconcile
