// The settings `sluice serve` gained for authentication.
#include <gtest/gtest.h>

#include "cli/serve_config.h"

namespace sluice::cli {
namespace {

using namespace std::chrono_literals;

TEST(ServeAuthConfigTest, DefaultsAndOverrides) {
  auto defaults = LoadServeConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->secure_cookies);
  EXPECT_EQ(defaults->session_idle_timeout, 30min);
  EXPECT_EQ(defaults->session_lifetime, 12h);
  EXPECT_TRUE(defaults->secret_key.empty());

  ConfigSources s;
  s.env = {{"SLUICE_SECRET_KEY", "a2V5"},
           {"SLUICE_BOOTSTRAP_ADMIN_PASSWORD", "pw-from-env"},
           {"SLUICE_SESSION_LIFETIME", "8h"}};
  s.flags = {{"secure-cookies", "true"}, {"session-idle-timeout", "15m"}};
  auto c = LoadServeConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_TRUE(c->secure_cookies);
  EXPECT_EQ(c->session_idle_timeout, 15min);
  EXPECT_EQ(c->session_lifetime, 8h);
  EXPECT_EQ(c->secret_key, "a2V5");
  EXPECT_EQ(c->bootstrap_admin_password, "pw-from-env");
}

TEST(ServeAuthConfigTest, BadValuesNameTheSetting) {
  auto bad_bool = LoadServeConfig({.flags = {{"secure-cookies", "yes"}}});
  ASSERT_FALSE(bad_bool.ok());
  EXPECT_EQ(bad_bool.error().where, "--secure-cookies");
  auto bad_duration = LoadServeConfig({.env = {{"SLUICE_SESSION_IDLE_TIMEOUT", "10"}}});
  ASSERT_FALSE(bad_duration.ok());
  EXPECT_EQ(bad_duration.error().where, "environment variable SLUICE_SESSION_IDLE_TIMEOUT");
  EXPECT_FALSE(LoadServeConfig({.flags = {{"session-lifetime", "0s"}}}).ok());
}

}  // namespace
}  // namespace sluice::cli
