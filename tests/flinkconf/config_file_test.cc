#include "flinkconf/config_file.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "common/fs.h"
#include "common/strings.h"
#include "flinkconf/values.h"
#include "flinkconf/yaml_text.h"
#include "support/test_env.h"

namespace sluice::flinkconf {
namespace {

std::filesystem::path Cases() {
  return sluice::testing::SourceDir() / "tests/flinkconf/cases/files";
}

FlatConfig RenderInput() {
  auto text = ReadFile(Cases() / "render.tsv");
  EXPECT_TRUE(text.ok());
  FlatConfig config;
  for (const auto& line : Split(text.value_or(""), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    config[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return config;
}

TEST(ConfigFileTest, RendersConfigYamlDeterministically) {
  FlatConfig config = RenderInput();
  std::string yaml = RenderConfigYaml(config, NewestCatalog());
  auto golden = ReadFile(Cases() / "render-config.yaml");
  ASSERT_TRUE(golden.ok());
  EXPECT_EQ(yaml, *golden);
  // Secrets stay in the file meant for Flink.
  EXPECT_NE(yaml.find("not-masked-for-flink"), std::string::npos);
}

TEST(ConfigFileTest, ConfigYamlReadsBackTheSameConfiguration) {
  FlatConfig config = RenderInput();
  std::string yaml = RenderConfigYaml(config, NewestCatalog());
  auto parsed = ParseConfigYaml(yaml, "config.yaml", &NewestCatalog());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(Effective(parsed->entries), config);
  // Without a catalog, map options flatten to key.entry lines, as in Flink's reader.
  auto flat = ParseConfigYaml(yaml);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(Effective(flat->entries)["kubernetes.jobmanager.annotations.owner"], "a,b");
}

TEST(ConfigFileTest, RendersAndReadsFlinkConfYaml) {
  FlatConfig config = RenderInput();
  auto text = RenderFlinkConfYaml(config);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  auto golden = ReadFile(Cases() / "render-flink-conf.yaml");
  ASSERT_TRUE(golden.ok());
  EXPECT_EQ(*text, *golden);
  ParsedConfig back = ParseFlinkConfYaml(*text);
  // The legacy reader skips empty values, as Flink's does.
  FlatConfig expected = config;
  expected.erase("pipeline.classpaths");
  EXPECT_EQ(Effective(back.entries), expected);
  ASSERT_EQ(back.findings.size(), 1u);
  EXPECT_EQ(back.findings[0].key, "pipeline.classpaths");
}

TEST(ConfigFileTest, FlinkConfYamlRefusesWhatItCannotCarry) {
  EXPECT_FALSE(RenderFlinkConfYaml({{"pipeline.name", "a # b"}}).ok());
  EXPECT_FALSE(RenderFlinkConfYaml({{"pipeline.name", "line\nbreak"}}).ok());
  auto e = RenderFlinkConfYaml({{"pipeline.name", "x#y"}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().hint.find("config.yaml"), std::string::npos);
}

TEST(ConfigFileTest, YamlSyntaxErrorsHaveLineAndColumn) {
  auto r = ParseConfigYaml("a: 1\nb: [unclosed\n", "job-config.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().where.starts_with("job-config.yaml:")) << r.error().where;
  auto top = ParseConfigYaml("- a\n- b\n");
  ASSERT_FALSE(top.ok());
}

TEST(ConfigFileTest, FlattensNestedAndListValues) {
  auto r = ParseConfigYaml(
      "env:\n  java:\n    opts:\n      all: -Xss2m\n"
      "pipeline.jars:\n  - local:///a.jar\n  - 'local:///b;c.jar'\n"
      "kubernetes.jobmanager.annotations: {team: data}\n"
      "pipeline.cached-files:\n  - name: f1\n    path: /tmp/a\n");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  FlatConfig c = Effective(r->entries);
  EXPECT_EQ(c["env.java.opts.all"], "-Xss2m");
  EXPECT_EQ(c["pipeline.jars"], "local:///a.jar;'local:///b;c.jar'");
  EXPECT_EQ(c["kubernetes.jobmanager.annotations.team"], "data");
  EXPECT_EQ(c["pipeline.cached-files"], "name:f1,path:/tmp/a");
  EXPECT_EQ(r->entries[0].where, "config.yaml:4:7");
}

TEST(ConfigFileTest, FormatPerVersion) {
  EXPECT_EQ(FileName(FormatFor(*FlinkVersion::Parse("1.17"))), "flink-conf.yaml");
  EXPECT_EQ(FileName(FormatFor(*FlinkVersion::Parse("1.18"))), "flink-conf.yaml");
  EXPECT_EQ(FileName(FormatFor(*FlinkVersion::Parse("1.19"))), "config.yaml");
  EXPECT_EQ(FileName(FormatFor(*FlinkVersion::Parse("2.2"))), "config.yaml");
}

TEST(ConfigFileTest, ForPeopleMasksSecrets) {
  std::string text = RenderForPeople({{"s3.secret-key", "abc"}, {"parallelism.default", "2"}});
  EXPECT_EQ(text, "parallelism.default: 2\ns3.secret-key: ******\n");
}

TEST(ConfigFileTest, YamlScalarsReadBackAsTheSameString) {
  for (std::string s :
       {"true",  "no",         "~",          "null",        "6124",  "1.5",   "0x1F",
        "1_000", "1:30",       "2024-01-01", ".inf",        "plain", "1600m", "a: b",
        "#x",    "- x",        "it's",       "line\nbreak", "",      " lead", "{a}",
        "[b]",   "kubernetes", "<<",         "yes"}) {
    std::string doc = "k: " + YamlScalar(s) + "\n";
    YAML::Node n = YAML::Load(doc);
    EXPECT_EQ(n["k"].as<std::string>(""), s) << doc;
    if (s == "true" || s == "6124" || s == "yes" || s == "1:30") {
      EXPECT_TRUE(YamlNeedsQuotes(s)) << s;
    }
  }
  EXPECT_FALSE(YamlNeedsQuotes("1600m"));
  EXPECT_FALSE(YamlNeedsQuotes("apache/flink:v0.1"));
  EXPECT_FALSE(YamlNeedsQuotes("hdfs://nn/flink/recovery"));
}

}  // namespace
}  // namespace sluice::flinkconf
