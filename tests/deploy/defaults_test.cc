// src/deploy/defaults/ is derived data: Flink's distribution configuration per version,
// flattened to "key: value" lines, and its log4j-console.properties verbatim, both from
// ../shared/reference/flink-dist-conf. This test derives them again and compares; with
// SLUICE_REGENERATE=1 it rewrites them (then rebuild: they are compiled in).
#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"
#include "deploy/flink_defaults.h"
#include "flinkconf/config_file.h"
#include "support/test_env.h"

namespace sluice::deploy {
namespace {

using sluice::testing::RegenerateGoldens;

namespace fs = std::filesystem;

struct Source {
  std::string name;       // file in src/deploy/defaults
  std::string reference;  // under reference/flink-dist-conf
  bool legacy = false;    // flink-conf.yaml (1.17) rather than config.yaml
};

std::string Derive(const Source& s, const std::string& text) {
  if (!s.name.ends_with(".conf")) return text;
  flinkconf::ConfigEntries entries;
  if (s.legacy) {
    entries = flinkconf::ParseFlinkConfYaml(text, s.reference).entries;
  } else {
    auto parsed = flinkconf::ParseConfigYaml(text, s.reference);
    EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
    if (parsed.ok()) entries = parsed->entries;
  }
  auto lines = flinkconf::RenderFlinkConfYaml(flinkconf::Effective(entries));
  EXPECT_TRUE(lines.ok()) << lines.error().ToString();
  return "# Derived from ../shared/reference/flink-dist-conf/" + s.reference +
         "; regenerate with\n# SLUICE_REGENERATE=1 ctest -R deploy_unit_test "
         "(tests/deploy/README.md). Do not edit.\n" +
         (lines.ok() ? *lines : "");
}

TEST(DistributionDefaults, AreDerivedFromTheReference) {
  const std::vector<Source> sources = {
      {"flink-1.17.conf", "flink-1.17-branchpoint-flink-conf.yaml", true},
      {"flink-1.20.conf", "flink-1.20.4/config.yaml"},
      {"flink-2.2.conf", "flink-2.2.1/config.yaml"},
      {"log4j-console-1.20.properties", "flink-1.20.4/log4j-console.properties"},
      {"log4j-console-2.2.properties", "flink-2.2.1/log4j-console.properties"},
  };
  for (const auto& s : sources) {
    SCOPED_TRACE(s.name);
    auto ref = ReadFile(sluice::testing::ReferenceDir() / "flink-dist-conf" / s.reference);
    ASSERT_TRUE(ref.ok()) << ref.error().ToString();
    std::string want = Derive(s, *ref);
    fs::path file = sluice::testing::SourceDir() / "src/deploy/defaults" / s.name;
    if (RegenerateGoldens()) {
      ASSERT_TRUE(WriteFileAtomic(file, want).ok());
      continue;
    }
    auto have = ReadFile(file);
    ASSERT_TRUE(have.ok()) << file;
    EXPECT_EQ(*have, want) << file << " is not what the reference gives: regenerate";
    EXPECT_EQ(EmbeddedDefault(s.name), *have) << "rebuild: the library embeds an older copy";
  }
}

TEST(DistributionDefaults, CarryJava17FlagsFromFlink118On) {
  EXPECT_FALSE(DefaultsFor({1, 17}).config.contains("env.java.opts.all"));
  for (flinkconf::FlinkVersion v : {flinkconf::FlinkVersion{1, 18}, {1, 20}, {2, 2}}) {
    auto d = DefaultsFor(v);
    ASSERT_TRUE(d.config.contains("env.java.opts.all")) << v.major << "." << v.minor;
    EXPECT_NE(d.config["env.java.opts.all"].find("--add-opens=java.base/java.util=ALL-UNNAMED"),
              std::string::npos);
    EXPECT_FALSE(d.files.at("log4j-console.properties").empty());
  }
  EXPECT_EQ(DefaultsFor({1, 20}).config.at("jobmanager.memory.process.size"), "1600m");
  EXPECT_EQ(DefaultsFor({2, 2}).config.at("taskmanager.memory.process.size"), "1728m");
}

}  // namespace
}  // namespace sluice::deploy
