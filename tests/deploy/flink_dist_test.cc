// The registry of Flink distributions: fake FLINK_HOMEs in a temp dir (bin/flink,
// lib/flink-dist-<version>.jar, conf/) with stand-ins for `java -version`
// (testdata/java/<n>/bin/java).
#include "deploy/flink_dist.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_env.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;

fs::path Java(const std::string& which) {
  return testing::SourceDir() / "tests/deploy/testdata/java" / which;
}

class FlinkDistTest : public ::testing::Test {
 protected:
  // A distribution that passes every check; tests break one thing at a time.
  fs::path MakeHome(const std::string& version, const std::string& dist_jar = "") {
    fs::path home = tmp_.path() / ("flink-" + version);
    fs::create_directories(home / "bin");
    fs::create_directories(home / "lib");
    fs::create_directories(home / "conf");
    std::ofstream(home / "bin/flink") << "#!/bin/sh\n";
    fs::permissions(home / "bin/flink", fs::perms::owner_all);
    std::ofstream(home / "lib" / (dist_jar.empty() ? "flink-dist-" + version + ".jar" : dist_jar))
        << "PK";
    std::ofstream(home / "lib" / ("flink-table-runtime-" + version + ".jar")) << "PK";
    std::ofstream(home / "conf/config.yaml") << "jobmanager.rpc.address: localhost\n";
    return home;
  }
  DistributionOptions Options(const fs::path& home, const std::string& java = "17") {
    return {.home = home, .java_home = Java(java)};
  }
  testing::TempDir tmp_;
};

TEST_F(FlinkDistTest, VersionsReadFromFileNames) {
  EXPECT_EQ(*FlinkVersionFromDistJar("flink-dist-1.20.1.jar"), "1.20.1");
  EXPECT_EQ(*FlinkVersionFromDistJar("flink-dist_2.12-1.17.2.jar"), "1.17.2");
  EXPECT_EQ(*FlinkVersionFromDistJar("flink-dist-2.2.0.jar"), "2.2.0");
  EXPECT_FALSE(FlinkVersionFromDistJar("flink-dist.jar").ok());
  EXPECT_FALSE(FlinkVersionFromDistJar("flink-table-1.20.1.jar").ok());
  EXPECT_EQ(*JavaVersionFromOutput("openjdk version \"17.0.15\" 2025-04-15\n"), "17.0.15");
  EXPECT_EQ(JavaMajor("17.0.15"), 17);
  EXPECT_EQ(JavaMajor("1.8.0_392"), 8);
  EXPECT_EQ(JavaMajor("21-ea"), 21);
  EXPECT_FALSE(JavaVersionFromOutput("command not found").ok());
}

TEST_F(FlinkDistTest, AGoodDistributionIsInspected) {
  fs::path home = MakeHome("1.20.1");
  auto d = InspectDistribution(Options(home));
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(d->name, "1.20.1");
  EXPECT_EQ(d->version, "1.20.1");
  EXPECT_EQ(d->release.major, 1);
  EXPECT_EQ(d->release.minor, 20);
  EXPECT_EQ(d->home, home);
  EXPECT_EQ(d->conf_dir, home / "conf");
  EXPECT_EQ(d->FlinkBin(), home / "bin/flink");
  EXPECT_EQ(d->java_version, "17.0.15");
  EXPECT_TRUE(d->HasRunApplication());

  auto v2 = InspectDistribution(Options(MakeHome("2.2.0")));
  ASSERT_TRUE(v2.ok()) << v2.error().ToString();
  EXPECT_FALSE(v2->HasRunApplication());
  auto scala = InspectDistribution(Options(MakeHome("1.17.2", "flink-dist_2.12-1.17.2.jar")));
  ASSERT_TRUE(scala.ok()) << scala.error().ToString();
  EXPECT_EQ(scala->version, "1.17.2");
}

TEST_F(FlinkDistTest, BrokenDistributionsSayWhatIsWrong) {
  struct Case {
    std::string what;
    std::function<void(const fs::path&, DistributionOptions&)> breakit;
    std::string message;
  };
  std::vector<Case> cases = {
      {"missing home", [](const fs::path& h, DistributionOptions& o) { o.home = h / "nope"; },
       "is not a directory"},
      {"no bin/flink", [](const fs::path& h, auto&) { fs::remove(h / "bin/flink"); },
       "no bin/flink in"},
      {"bin/flink not executable",
       [](const fs::path& h, auto&) {
         fs::permissions(h / "bin/flink", fs::perms::owner_read | fs::perms::owner_write);
       },
       "is not executable"},
      {"no dist jar", [](const fs::path& h, auto&) { fs::remove(h / "lib/flink-dist-1.20.1.jar"); },
       "no lib/flink-dist*.jar"},
      {"two dist jars",
       [](const fs::path& h, auto&) { std::ofstream(h / "lib/flink-dist-1.19.0.jar") << "PK"; },
       "several flink-dist jars in lib/"},
      {"no configuration", [](const fs::path& h, auto&) { fs::remove(h / "conf/config.yaml"); },
       "no Flink configuration file in"},
      {"another version",
       [](const fs::path&, DistributionOptions& o) { o.expected_version = "1.19"; },
       "the distribution is Flink 1.20.1, not the expected 1.19"},
      {"java that fails",
       [](const fs::path&, DistributionOptions& o) { o.java_home = Java("broken"); },
       "Could not reserve enough space for object heap"},
      {"no java there",
       [](const fs::path& h, DistributionOptions& o) { o.java_home = h / "no-jdk"; }, "no Java at"},
  };
  for (const auto& c : cases) {
    testing::TempDir scratch;
    fs::path home = scratch.path() / "flink";
    fs::copy(MakeHome("1.20.1"), home, fs::copy_options::recursive);
    fs::remove_all(tmp_.path() / "flink-1.20.1");
    DistributionOptions o = Options(home);
    c.breakit(home, o);
    auto d = InspectDistribution(o);
    ASSERT_FALSE(d.ok()) << c.what;
    EXPECT_NE(d.error().message.find(c.message), std::string::npos)
        << c.what << ": " << d.error().ToString();
    EXPECT_FALSE(d.error().where.empty()) << c.what;
  }
  // 2.x needs Java 11.
  auto old_java = InspectDistribution(Options(MakeHome("2.2.0"), "8"));
  ASSERT_FALSE(old_java.ok());
  EXPECT_NE(old_java.error().message.find("Flink 2.2.0 needs Java 11 or later"), std::string::npos)
      << old_java.error().message;
  // 1.x is fine with Java 8.
  EXPECT_TRUE(InspectDistribution(Options(MakeHome("1.17.2"), "8")).ok());
}

TEST_F(FlinkDistTest, TheRegistryFindsWhatAJobAsksFor) {
  FlinkVersions versions;
  ASSERT_TRUE(versions.Register(Options(MakeHome("1.20.0"))).ok());
  DistributionOptions newer = Options(MakeHome("1.20.1"));
  auto n = versions.Register(newer);
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  DistributionOptions named = Options(MakeHome("2.2.0"));
  named.name = "flink-prod";
  ASSERT_TRUE(versions.Register(named).ok());

  EXPECT_EQ(versions.Find("1.20")->version, "1.20.1");  // the newest patch
  EXPECT_EQ(versions.Find("v1_20")->version, "1.20.1");
  EXPECT_EQ(versions.Find("1.20.0")->version, "1.20.0");
  EXPECT_EQ(versions.Find("flink-prod")->version, "2.2.0");
  EXPECT_EQ(versions.Find("2.2")->name, "flink-prod");
  auto missing = versions.Find("1.17");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where, "spec.flinkVersion");
  EXPECT_NE(missing.error().hint.find("flink-prod (2.2.0)"), std::string::npos)
      << missing.error().hint;
  EXPECT_EQ(versions.List().size(), 3u);

  auto twice = versions.Register(newer);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kAlreadyExists);

  FlinkVersions empty;
  EXPECT_NE(empty.Find("1.20").error().hint.find("register"), std::string::npos);
}

}  // namespace
}  // namespace sluice::deploy
