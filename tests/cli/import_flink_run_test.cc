// `sluice import flink-run`, run as a user runs it: cases in import_cases/<name>/ give the
// arguments (args, one per line), the exit code (exit), stdout (stdout.yaml, exact) and
// what stderr must and must not say (stderr.expect).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/fs.h"
#include "common/strings.h"
#include "spec/flink_config.h"
#include "spec/parse.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;
using testing::RunProcess;

fs::path CasesDir() {
  return testing::SourceDir() / "tests/cli/import_cases";
}

std::string Read(const fs::path& p) {
  auto text = ReadFile(p);
  EXPECT_TRUE(text.ok()) << p;
  return text.value_or("");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

testing::ProcessOutput RunCase(const fs::path& dir) {
  std::vector<std::string> argv = {std::string(std::getenv("SLUICE_BIN"))};
  for (const auto& a : Lines(Read(dir / "args")))
    argv.push_back(a);
  return RunProcess(argv);
}

TEST(ImportFlinkRunTest, Cases) {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(CasesDir())) {
    if (e.is_directory()) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  ASSERT_GE(dirs.size(), 10u);
  for (const auto& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    auto r = RunCase(dir);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(std::to_string(r.exit_code), std::string(Trim(Read(dir / "exit")))) << "stderr:\n"
                                                                                  << r.err;
    if (fs::exists(dir / "stdout.yaml")) {
      EXPECT_EQ(r.out, Read(dir / "stdout.yaml")) << "stderr:\n" << r.err;
    }
    if (r.exit_code != 2) {
      // Whatever import prints, the spec parser reads back without decoding errors.
      spec::ParsedSpec parsed = spec::ParseJobSpec(r.out, "imported.yaml");
      for (const auto& p : parsed.problems) {
        if (r.exit_code == 0) ADD_FAILURE() << spec::FormatProblem(p, "imported.yaml");
      }
    } else {
      EXPECT_EQ(r.out, "");
    }
    std::vector<std::string> err_lines = Lines(r.err);
    for (const auto& line : Lines(Read(dir / "stderr.expect"))) {
      if (line.empty() || line[0] == '#') continue;
      std::string arg = line.size() > 2 ? line.substr(2) : "";
      if (line.starts_with("= ")) {
        EXPECT_NE(std::find(err_lines.begin(), err_lines.end(), arg), err_lines.end())
            << "no stderr line\n  " << arg << "\nstderr:\n"
            << r.err;
      } else if (line.starts_with("~ ")) {
        EXPECT_NE(r.err.find(arg), std::string::npos) << "stderr lacks " << arg << "\n" << r.err;
      } else if (line.starts_with("! ")) {
        // Only stderr: the spec on stdout is the user's own file and keeps their values.
        EXPECT_EQ(r.err.find(arg), std::string::npos) << "stderr has " << arg << "\n" << r.err;
      } else if (line.starts_with("lines ")) {
        EXPECT_EQ(std::to_string(err_lines.size()), line.substr(6)) << r.err;
      } else {
        ADD_FAILURE() << "bad expectation line: " << line;
      }
    }
  }
}

// The seed's command imports into a spec whose Flink configuration keeps the seed's
// settings (NodePort REST service, service account flink, RocksDB, checkpoints on HDFS)
// and still carries the HA key that never worked, for the user to fix.
TEST(ImportFlinkRunTest, SeedSpecHasTheSeedsConfiguration) {
  auto r = RunCase(CasesDir() / "seed-2.2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto job = spec::LoadJobSpec(r.out, "imported.yaml");
  ASSERT_TRUE(job.ok()) << job.error().ToString();
  EXPECT_EQ(spec::ClusterId(*job), "my-first-application-cluster");
  auto effective = spec::EffectiveFlinkConfiguration(*job);
  ASSERT_TRUE(effective.ok());
  const auto& v = effective->values;
  EXPECT_EQ(v.at("kubernetes.cluster-id"), "my-first-application-cluster");
  EXPECT_EQ(v.at("kubernetes.namespace"), "flink-cluster");
  EXPECT_EQ(v.at("kubernetes.service-account"), "flink");
  EXPECT_EQ(v.at("kubernetes.rest-service.exposed.type"), "NodePort");
  EXPECT_EQ(v.at("kubernetes.container.image.ref"), "apache/flink:v0.1");
  EXPECT_EQ(v.at("execution.checkpointing.dir"), "hdfs://<hdfs-cluster>/flink/flink-checkpoints");
  EXPECT_EQ(v.at("state.backend"), "rocksdb");
  EXPECT_EQ(v.at("state.backend.incremental"), "true");
  EXPECT_EQ(v.at("high-availability.storageDir"), "hdfs://<hdfs-cluster>/flink/recovery");
  EXPECT_EQ(v.count("high-availability.type"), 0u) << "HA must not be switched on silently";
  bool ha_reported = false;
  for (const auto& f : effective->findings) {
    ha_reported =
        ha_reported || (f.code == "unknown-key" && f.key == "kubernetes.high-availability");
  }
  EXPECT_TRUE(ha_reported);
}

TEST(ImportFlinkRunTest, UsageWithoutArguments) {
  auto r = RunProcess({std::string(std::getenv("SLUICE_BIN")), "import", "flink-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no Flink command line after --"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sluice
