// Reading what the Flink client prints: testdata/output/<case>/{stdout,stderr} against
// expected.json.
#include "deploy/cli_output.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/test_env.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sluice::testing::ReadTestFile;

fs::path OutputCasesDir() {
  return testing::SourceDir() / "tests/deploy/testdata/output";
}

std::vector<std::string> OutputCases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(OutputCasesDir()))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class OutputCase : public ::testing::TestWithParam<std::string> {};

TEST_P(OutputCase, ParsesAsExpected) {
  fs::path dir = OutputCasesDir() / GetParam();
  CliOutput o = ParseCliOutput(ReadTestFile(dir / "stdout"), ReadTestFile(dir / "stderr"));
  json actual = {{"application_id", o.application_id},
                 {"web_interface", o.web_interface},
                 {"job_id", o.job_id},
                 {"savepoint_path", o.savepoint_path},
                 {"job_finished", o.job_finished},
                 {"exception", o.exception}};
  EXPECT_EQ(actual, json::parse(ReadTestFile(dir / "expected.json"))) << actual.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Output, OutputCase, ::testing::ValuesIn(OutputCases()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(CliOutputTest, FailuresCarryFlinksExceptionOrTheLastLinesOfStderr) {
  ProcessResult failed;
  failed.exit_code = 1;
  failed.err = ReadTestFile(OutputCasesDir() / "program-failed/stderr");
  Error e = CliFailure("flink run", failed, ParseCliOutput("", failed.err));
  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(e.message.substr(0, e.message.find('\n')), "flink run exited with status 1:");
  EXPECT_NE(e.message.find("Caused by: java.io.FileNotFoundException: /data/orders"),
            std::string::npos)
      << e.message;
  EXPECT_EQ(e.message.find("\tat "), std::string::npos) << e.message;

  ProcessResult usage;
  usage.exit_code = 1;
  usage.err = ReadTestFile(OutputCasesDir() / "usage-error/stderr");
  Error u = CliFailure("flink run", usage, ParseCliOutput("", usage.err));
  EXPECT_NE(u.message.find("Unrecognized option: --bogus"), std::string::npos) << u.message;

  ProcessResult hung;
  hung.timed_out = true;
  hung.signal = 9;
  hung.elapsed = std::chrono::milliseconds(2000);
  Error h = CliFailure("flink run", hung, CliOutput{});
  EXPECT_EQ(h.code, ErrorCode::kTimeout);
  EXPECT_NE(h.message.find("timeout"), std::string::npos) << h.message;
  EXPECT_NE(h.hint.find("process group"), std::string::npos) << h.hint;
}

}  // namespace
}  // namespace sluice::deploy
