// Data-driven effective-configuration cases: cases/effective/*.case.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/fs.h"
#include "common/strings.h"
#include "spec/flink_config.h"
#include "spec/parse.h"
#include "support/test_env.h"

namespace sluice::spec {
namespace {
namespace fs = std::filesystem;

TEST(EffectiveConfigTest, Cases) {
  fs::path dir = sluice::testing::SourceDir() / "tests/spec/cases/effective";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 6u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    auto text = ReadFile(file);
    ASSERT_TRUE(text.ok());
    std::string spec_file, version;
    flinkconf::FlatConfig set;
    std::vector<std::string> expect;
    bool in_expect = false;
    for (const auto& line : Split(*text, '\n')) {
      if (line.empty() || line[0] == '#') continue;
      if (in_expect) {
        expect.push_back(line);
      } else if (line == "expect:") {
        in_expect = true;
      } else if (line.starts_with("spec: ")) {
        spec_file = line.substr(6);
      } else if (line.starts_with("version: ")) {
        version = line.substr(9);
      } else if (line.starts_with("set: ")) {
        size_t eq = line.find('=');
        set[line.substr(5, eq - 5)] = line.substr(eq + 1);
      }
    }
    auto spec_text = ReadFile(dir.parent_path() / spec_file);
    ASSERT_TRUE(spec_text.ok()) << spec_file;
    auto job = LoadJobSpec(*spec_text, spec_file);
    ASSERT_TRUE(job.ok()) << job.error().ToString();
    if (!version.empty()) job->spec.flink_version = version;
    auto effective = EffectiveFlinkConfiguration(*job, set);
    ASSERT_TRUE(effective.ok()) << effective.error().ToString();
    std::string findings;
    for (const auto& f : effective->findings)
      findings += flinkconf::FormatFinding(f) + "\n";
    size_t expected_findings = 0;
    for (const auto& e : expect) {
      if (e.starts_with("finding ")) {
        ++expected_findings;
        auto parts = Split(e.substr(8), '~');
        auto head = Split(std::string(Trim(parts[0])), ' ');
        ASSERT_EQ(head.size(), 3u) << e;
        bool found = false;
        for (const auto& f : effective->findings) {
          if (flinkconf::SeverityName(f.severity) != head[0] || f.code != head[1] ||
              f.key != (head[2] == "-" ? "" : head[2])) {
            continue;
          }
          std::string t = flinkconf::FormatFinding(f);
          bool all = true;
          for (size_t i = 1; i < parts.size(); ++i) {
            all = all && t.find(std::string(Trim(parts[i]))) != std::string::npos;
          }
          found = found || all;
        }
        EXPECT_TRUE(found) << e << "\nfindings:\n" << findings;
      } else if (e.starts_with("!")) {
        EXPECT_EQ(effective->values.count(e.substr(1)), 0u) << e;
      } else {
        size_t eq = e.find(" = ");
        ASSERT_NE(eq, std::string::npos) << e;
        std::string key = e.substr(0, eq);
        auto it = effective->values.find(key);
        ASSERT_NE(it, effective->values.end()) << key;
        EXPECT_EQ(it->second, e.substr(eq + 3)) << key;
      }
    }
    EXPECT_EQ(effective->findings.size(), expected_findings) << findings;
  }
}

TEST(EffectiveConfigTest, ClusterIdPrefersAnExplicitOne) {
  JobSpec job;
  job.metadata.name = "orders";
  EXPECT_EQ(ClusterId(job), "orders");
  job.spec.flink_configuration["kubernetes.cluster-id"] = "orders-blue";
  EXPECT_EQ(ClusterId(job), "orders-blue");
}

}  // namespace
}  // namespace sluice::spec
