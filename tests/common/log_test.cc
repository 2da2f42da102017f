#include "common/log.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetSink([this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override {
    log::SetSink(nullptr);
    log::Configure({});
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, JsonLinesWithFields) {
  log::Configure({log::Level::kInfo, true});
  log::Info("job.deployed").With("job", "orders").With("attempt", 2);
  ASSERT_EQ(lines_.size(), 1u);
  auto j = nlohmann::json::parse(lines_[0]);
  EXPECT_EQ(j["msg"], "job.deployed");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["job"], "orders");
  EXPECT_EQ(j["attempt"], 2);
  EXPECT_TRUE(j.contains("ts"));
}

TEST_F(LogTest, SecretsAreMasked) {
  log::Configure({log::Level::kInfo, true});
  log::Info("login").With("password", "hunter2").With("api_token", "abc");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find("hunter2"), std::string::npos);
  EXPECT_EQ(lines_[0].find("abc"), std::string::npos);
}

TEST_F(LogTest, LevelFilters) {
  log::Configure({log::Level::kWarn, true});
  log::Info("hidden");
  log::Warn("shown");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("shown"), std::string::npos);
}

TEST_F(LogTest, TextFormat) {
  log::Configure({log::Level::kInfo, false});
  log::Info("started").With("listen", "127.0.0.1:8080");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find(" info started listen=127.0.0.1:8080"), std::string::npos);
}

TEST(LogLevelTest, Parse) {
  EXPECT_EQ(*log::ParseLevel("debug"), log::Level::kDebug);
  EXPECT_FALSE(log::ParseLevel("loud").ok());
}

}  // namespace
}  // namespace sluice
