// Data-driven spec cases: cases/valid (parse, round trip, canonical rendering),
// cases/invalid (*.expect lists every problem), cases/diff, cases/cluster-ids.tsv.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/fs.h"
#include "common/strings.h"
#include "spec/diff.h"
#include "spec/names.h"
#include "spec/parse.h"
#include "spec/render.h"
#include "spec/resources.h"
#include "support/test_env.h"

namespace sluice::spec {
namespace {
namespace fs = std::filesystem;

fs::path Cases() {
  return sluice::testing::SourceDir() / "tests/spec/cases";
}

std::vector<fs::path> Files(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(Cases() / dir)) {
    std::string name = e.path().filename().string();
    if ((name.ends_with(".yaml") || name.ends_with(".json")) &&
        !name.ends_with(".canonical.yaml")) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Read(const fs::path& p) {
  auto text = ReadFile(p);
  EXPECT_TRUE(text.ok()) << p;
  return text.value_or("");
}

std::string AllProblems(const std::vector<Problem>& problems, std::string_view source) {
  std::string out;
  for (const auto& p : problems)
    out += FormatProblem(p, source) + "\n";
  return out;
}

TEST(SpecTest, ValidSpecsParseAndRoundTrip) {
  auto files = Files("valid");
  ASSERT_GE(files.size(), 5u);
  for (const auto& file : files) {
    std::string name = file.filename().string();
    SCOPED_TRACE(name);
    ParsedSpec parsed = ParseJobSpec(Read(file), name);
    ASSERT_TRUE(parsed.problems.empty()) << AllProblems(parsed.problems, name);

    std::string yaml = RenderYaml(parsed.job);
    EXPECT_EQ(RenderYaml(parsed.job), yaml);
    ParsedSpec from_yaml = ParseJobSpec(yaml, "rendered.yaml");
    ASSERT_TRUE(from_yaml.ok()) << AllProblems(from_yaml.problems, "rendered.yaml") << yaml;
    EXPECT_TRUE(from_yaml.job == parsed.job) << yaml;
    EXPECT_EQ(RenderYaml(from_yaml.job), yaml);

    std::string json = RenderJson(parsed.job);
    ParsedSpec from_json = ParseJobSpec(json, "rendered.json");
    ASSERT_TRUE(from_json.ok()) << AllProblems(from_json.problems, "rendered.json") << json;
    EXPECT_TRUE(from_json.job == parsed.job) << json;

    fs::path canonical = file;
    canonical.replace_extension(".canonical.yaml");
    if (fs::exists(canonical)) {
      EXPECT_EQ(yaml, Read(canonical));
    }
  }
}

TEST(SpecTest, InvalidSpecsReportEveryProblemWithPathAndPosition) {
  auto files = Files("invalid");
  ASSERT_GE(files.size(), 10u);
  for (const auto& file : files) {
    std::string name = file.filename().string();
    SCOPED_TRACE(name);
    fs::path expect_file = file;
    expect_file += ".expect";
    if (!fs::exists(expect_file)) {
      expect_file = file;
      expect_file.replace_extension(".expect");
    }
    ParsedSpec parsed = ParseJobSpec(Read(file), name);
    std::string all = AllProblems(parsed.problems, name);
    size_t expected = 0;
    for (const auto& line : Split(Read(expect_file), '\n')) {
      if (line.empty() || line[0] == '#') continue;
      ++expected;
      auto parts = Split(line, '~');
      auto head = Split(std::string(Trim(parts[0])), ' ');
      ASSERT_EQ(head.size(), 3u) << line;
      std::string path = head[1] == "-" ? "" : head[1];
      bool found = false;
      for (const auto& p : parsed.problems) {
        std::string mark = std::to_string(p.mark.line) + ":" + std::to_string(p.mark.column);
        if (flinkconf::SeverityName(p.severity) != head[0] || p.path != path || mark != head[2])
          continue;
        std::string text = FormatProblem(p, name);
        bool all_there = true;
        for (size_t i = 1; i < parts.size(); ++i) {
          all_there = all_there && text.find(std::string(Trim(parts[i]))) != std::string::npos;
        }
        found = found || all_there;
      }
      EXPECT_TRUE(found) << "expected: " << line << "\nproblems:\n" << all;
    }
    EXPECT_EQ(parsed.problems.size(), expected) << all;
    EXPECT_EQ(parsed.ok(), all.find("error:") == std::string::npos);
    auto loaded = LoadJobSpec(Read(file), name);
    EXPECT_EQ(loaded.ok(), parsed.ok());
  }
}

TEST(SpecTest, ClusterIdsAreDeterministicAndFit) {
  size_t n = 0;
  for (const auto& line : Split(Read(Cases() / "cluster-ids.tsv"), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto cols = Split(line, '\t');
    ASSERT_EQ(cols.size(), 2u);
    std::string id = ClusterIdFor(cols[0]);
    EXPECT_EQ(id, cols[1]) << cols[0];
    EXPECT_LE(id.size(), kMaxClusterIdLength);
    EXPECT_TRUE(CheckClusterId(id).ok()) << id;
    ++n;
  }
  EXPECT_GE(n, 6u);
  Status too_long = CheckClusterId(std::string(46, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("at most 45"), std::string::npos);
  EXPECT_FALSE(CheckClusterId("Upper").ok());
}

TEST(SpecTest, MemoryAmounts) {
  EXPECT_EQ(*ParseMemoryAmount("2g"), uint64_t{2} << 30);
  EXPECT_EQ(*ParseMemoryAmount("2048m"), uint64_t{2} << 30);
  EXPECT_EQ(*ParseMemoryAmount("2Gi"), uint64_t{2} << 30);
  EXPECT_EQ(*ParseMemoryAmount("1.5Gi"), uint64_t{3} << 29);
  // Flink reads its units case-insensitively: 2G is 2 GiB; decimal sizes are Kubernetes ones.
  EXPECT_EQ(*ParseMemoryAmount("2G"), uint64_t{2} << 30);
  EXPECT_EQ(*ParseMemoryAmount("1.5G"), uint64_t{1500000000});
  EXPECT_FALSE(ParseMemoryAmount("0m").ok());
  EXPECT_FALSE(ParseMemoryAmount("2GiB").ok());
  EXPECT_FALSE(ParseMemoryAmount("-1g").ok());
}

TEST(SpecTest, DiffClassifiesAndMasks) {
  auto before = LoadJobSpec(Read(Cases() / "diff/before.yaml"), "before.yaml");
  auto after = LoadJobSpec(Read(Cases() / "diff/after.yaml"), "after.yaml");
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  SpecDiff diff = Diff(*before, *after);
  std::vector<std::string> expected;
  for (const auto& line : Split(Read(Cases() / "diff/expect.tsv"), '\n')) {
    if (!line.empty() && line[0] != '#') expected.push_back(line);
  }
  std::vector<std::string> actual;
  for (const auto& c : diff.changes) {
    actual.push_back(c.path + "\t" + std::string(ImpactName(c.impact)) + "\t" + c.old_value + "\t" +
                     c.new_value);
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(diff.impact, Impact::kRedeploy);
  std::string text = Join(actual, "\n");
  for (const char* secret : {"old-secret", "new-secret", "pw-old", "pw-new", "password=\\\"old"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  EXPECT_TRUE(Diff(*before, *before).empty());

  JobSpec renamed = *after;
  renamed.metadata.name = "clickstream-v2";
  EXPECT_EQ(Diff(*after, renamed).impact, Impact::kRecreate);
  JobSpec restart_only = *after;
  restart_only.spec.restart_policy.backoff = "2 min";
  EXPECT_EQ(Diff(*after, restart_only).impact, Impact::kNone);
}

}  // namespace
}  // namespace sluice::spec
