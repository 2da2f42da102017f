// Data-driven validation cases: cases/validate/*.case (see any of them for the format).
#include "flinkconf/validate.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/fs.h"
#include "common/strings.h"
#include "support/test_env.h"

namespace sluice::flinkconf {
namespace {

struct Expectation {
  std::string severity, code, key;
  std::vector<std::string> contains;
};

struct Case {
  std::string name, version, format, input;
  std::vector<Expectation> expect;
  std::vector<std::string> absent;
};

Case LoadCase(const std::filesystem::path& file) {
  Case c;
  c.name = file.filename().string();
  auto text = ReadFile(file);
  EXPECT_TRUE(text.ok());
  enum { kHeader, kInput, kExpect } section = kHeader;
  for (const auto& line : Split(text.value_or(""), '\n')) {
    if (section != kInput && (line.empty() || line[0] == '#')) continue;
    if (line == "input:") {
      section = kInput;
    } else if (line == "expect:") {
      section = kExpect;
    } else if (section == kHeader) {
      if (line.starts_with("version: ")) c.version = line.substr(9);
      if (line.starts_with("format: ")) c.format = line.substr(8);
    } else if (section == kInput) {
      c.input += line + "\n";
    } else if (line.starts_with("absent: ")) {
      c.absent.push_back(line.substr(8));
    } else {
      std::vector<std::string> parts;
      size_t start = 0;
      while (true) {
        size_t sep = line.find(" ~ ", start);
        parts.push_back(line.substr(start, sep == std::string::npos ? sep : sep - start));
        if (sep == std::string::npos) break;
        start = sep + 3;
      }
      auto head = Split(parts[0], ' ');
      EXPECT_EQ(head.size(), 3u) << c.name << ": " << line;
      if (head.size() != 3) continue;
      Expectation e{head[0], head[1], head[2] == "-" ? "" : head[2], {}};
      e.contains.assign(parts.begin() + 1, parts.end());
      c.expect.push_back(std::move(e));
    }
  }
  return c;
}

std::vector<std::filesystem::path> CaseFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(sluice::testing::SourceDir() /
                                                           "tests/flinkconf/cases/validate")) {
    if (e.path().extension() == ".case") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Finding> RunCase(const Case& c) {
  ConfigEntries entries;
  std::vector<Finding> findings;
  ValidateOptions options;
  if (c.format == "dynamic") {
    int n = 0;
    for (const auto& line : Split(c.input, '\n')) {
      if (line.empty()) continue;
      ++n;
      size_t eq = line.find('=');
      EXPECT_NE(eq, std::string::npos) << c.name << ": " << line;
      entries.push_back({line.substr(0, eq), line.substr(eq + 1), "-D #" + std::to_string(n)});
    }
  } else if (c.format == "flink-conf.yaml") {
    ParsedConfig parsed = ParseFlinkConfYaml(c.input);
    entries = parsed.entries;
    findings = parsed.findings;
  } else if (c.format == "config.yaml") {
    auto parsed = ParseConfigYaml(c.input);
    EXPECT_TRUE(parsed.ok()) << c.name << ": " << parsed.error().ToString();
    if (parsed.ok()) entries = parsed->entries;
    options.duplicate_severity = Severity::kError;
  } else {
    ADD_FAILURE() << c.name << ": unknown format " << c.format;
  }
  auto validated = ValidateForVersion(entries, c.version, options);
  EXPECT_TRUE(validated.ok()) << c.name;
  if (validated.ok()) findings.insert(findings.end(), validated->begin(), validated->end());
  return findings;
}

TEST(ValidateTest, Cases) {
  auto files = CaseFiles();
  ASSERT_GE(files.size(), 15u);
  for (const auto& file : files) {
    Case c = LoadCase(file);
    SCOPED_TRACE(c.name);
    std::vector<Finding> findings = RunCase(c);
    std::string all;
    for (const auto& f : findings)
      all += FormatFinding(f) + "\n";
    EXPECT_EQ(findings.size(), c.expect.size()) << "findings:\n" << all;
    for (const auto& e : c.expect) {
      bool found = false;
      for (const auto& f : findings) {
        if (SeverityName(f.severity) != e.severity || f.code != e.code || f.key != e.key) continue;
        std::string text = FormatFinding(f);
        bool all_there = true;
        for (const auto& s : e.contains)
          all_there = all_there && text.find(s) != std::string::npos;
        found = found || all_there;
      }
      EXPECT_TRUE(found) << "expected " << e.severity << " " << e.code << " " << e.key << " ~ "
                         << Join(e.contains, " ~ ") << "\nfindings:\n"
                         << all;
    }
    for (const auto& a : c.absent) {
      EXPECT_EQ(all.find(a), std::string::npos) << Quote(a) << " leaked into:\n" << all;
    }
  }
}

// Flink's own distribution configuration is valid for its version, and every key its
// commented-out examples mention is known.
TEST(ValidateTest, FlinkDistributionConfigurationIsClean) {
  auto dir = sluice::testing::ReferenceDir() / "flink-dist-conf";
  struct Dist {
    std::string file, version;
    ConfigFormat format;
  } dists[] = {{"flink-1.17-branchpoint-flink-conf.yaml", "1.17", ConfigFormat::kFlinkConfYaml},
               {"flink-1.20.4/config.yaml", "1.20", ConfigFormat::kConfigYaml},
               {"flink-2.2.1/config.yaml", "2.2", ConfigFormat::kConfigYaml}};
  for (const auto& d : dists) {
    SCOPED_TRACE(d.file);
    auto text = ReadFile(dir / d.file);
    ASSERT_TRUE(text.ok());
    auto parsed = ParseConfigFile(d.format, *text, d.file);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_TRUE(parsed->findings.empty());
    EXPECT_GE(parsed->entries.size(), 10u);
    auto findings = ValidateForVersion(parsed->entries, d.version);
    ASSERT_TRUE(findings.ok());
    for (const auto& f : *findings)
      ADD_FAILURE() << FormatFinding(f);
  }
  // The legacy file's examples: "# key: value" lines.
  auto legacy = ReadFile(dir / "flink-1.17-branchpoint-flink-conf.yaml");
  ASSERT_TRUE(legacy.ok());
  const Catalog& c117 = Catalogs().front();
  size_t examples = 0;
  for (const auto& line : Split(*legacy, '\n')) {
    std::string_view l = Trim(line);
    if (!l.starts_with("#")) continue;
    l = Trim(l.substr(1));
    size_t sep = l.find(": ");
    if (sep == std::string_view::npos || l.find(' ') < sep || sep == 0 ||
        l.substr(0, sep).find('.') == std::string_view::npos) {
      continue;
    }
    std::string key(l.substr(0, sep));
    ++examples;
    EXPECT_NE(c117.Lookup(key).kind, KeyKind::kUnknown) << key;
  }
  EXPECT_GE(examples, 20u);
}

}  // namespace
}  // namespace sluice::flinkconf
