#include "cli/serve_config.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/test_env.h"

namespace sluice::cli {
namespace {

TEST(ServeConfigTest, Defaults) {
  auto c = LoadServeConfig({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->DatabaseUrl(), "sqlite://./var/sluice.db");
}

TEST(ServeConfigTest, FlagBeatsEnvBeatsFile) {
  testing::TempDir dir;
  auto file = (dir.path() / "sluice.yaml").string();
  ASSERT_TRUE(
      WriteFileAtomic(file, "listen: 0.0.0.0:9000\ndata-dir: /from/file\nlog-level: debug\n").ok());
  ConfigSources s;
  s.file = file;
  s.env = {{"SLUICE_LISTEN", "127.0.0.1:9001"}, {"SLUICE_DATA_DIR", "/from/env"}};
  s.flags = {{"listen", "[::1]:9002"}};
  auto c = LoadServeConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->listen_host, "::1");
  EXPECT_EQ(c->listen_port, 9002);
  EXPECT_EQ(c->data_dir, "/from/env");
  EXPECT_EQ(c->log_level, log::Level::kDebug);
  EXPECT_EQ(c->DatabaseUrl(), "sqlite:///from/env/sluice.db");
}

TEST(ServeConfigTest, UnknownKeyNamesKeyLineAndSuggestion) {
  testing::TempDir dir;
  auto file = (dir.path() / "sluice.yaml").string();
  ASSERT_TRUE(WriteFileAtomic(file, "db: sqlite:///x.db\nlisen: 127.0.0.1:1\n").ok());
  auto c = LoadServeConfig({.file = file});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().where, file + ":2");
  EXPECT_NE(c.error().message.find("unknown key \"lisen\""), std::string::npos);
  EXPECT_NE(c.error().hint.find("\"listen\""), std::string::npos);
}

TEST(ServeConfigTest, BadValuesSayWhere) {
  auto port = LoadServeConfig({.flags = {{"listen", "127.0.0.1:99999"}}});
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().where, "--listen");
  EXPECT_NE(port.error().message.find("between 0 and 65535"), std::string::npos);

  auto env = LoadServeConfig({.env = {{"SLUICE_SHUTDOWN_GRACE", "soon"}}});
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.error().where, "environment variable SLUICE_SHUTDOWN_GRACE");

  EXPECT_FALSE(LoadServeConfig({.flags = {{"db", "mysql://x"}}}).ok());
  EXPECT_FALSE(LoadServeConfig({.flags = {{"listen", "8080"}}}).ok());
  EXPECT_FALSE(LoadServeConfig({.flags = {{"max-body-size", "lots"}}}).ok());
}

TEST(ServeConfigTest, InvalidYamlHasLineAndColumn) {
  testing::TempDir dir;
  auto file = (dir.path() / "bad.yaml").string();
  ASSERT_TRUE(WriteFileAtomic(file, "listen: [unclosed\n").ok());
  auto c = LoadServeConfig({.file = file});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.error().where.starts_with(file + ":")) << c.error().where;
}

TEST(ServeConfigTest, ByteSizes) {
  EXPECT_EQ(*ParseByteSize("512"), 512u);
  EXPECT_EQ(*ParseByteSize("8m"), 8u << 20);
  EXPECT_EQ(*ParseByteSize("1GiB"), 1u << 30);
  EXPECT_FALSE(ParseByteSize("-1").ok());
}

}  // namespace
}  // namespace sluice::cli
