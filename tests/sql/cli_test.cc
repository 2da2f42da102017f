// `sluice sql check|lineage|format` as a process: output shape and exit codes 0/1/2.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_env.h"

extern char** environ;

namespace sluice::sql {
namespace {

struct ProcessRun {
  int exit_code = -1;
  std::string out;
};

// Runs build/bin/sluice with `args`; stdin from `stdin_file` when given.
ProcessRun Sluice(const std::vector<std::string>& args, const std::string& stdin_file = "") {
  sluice::testing::TempDir tmp;
  std::string out_file = (tmp.path() / "out").string();
  std::string binary = (sluice::testing::BinaryDir() / "bin" / "sluice").string();
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  if (!stdin_file.empty()) {
    posix_spawn_file_actions_addopen(&actions, 0, stdin_file.c_str(), O_RDONLY, 0);
  }
  pid_t pid = 0;
  ProcessRun run;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  run.out = ss.str();
  return run;
}

std::string Write(const sluice::testing::TempDir& dir, const std::string& name,
                  const std::string& text) {
  std::string path = (dir.path() / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(SqlCli, CheckExitCodesAndJson) {
  sluice::testing::TempDir dir;
  std::string good = Write(dir, "good.sql",
                           "CREATE TABLE s (a INT) WITH ('connector' = 'datagen');\n"
                           "CREATE TABLE k (a INT) WITH ('connector' = 'blackhole');\n"
                           "INSERT INTO k SELECT a FROM s;\n");
  std::string bad = Write(dir, "bad.sql", "SELECT FROM;\n");
  ProcessRun ok = Sluice({"sql", "check", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  ProcessRun err = Sluice({"sql", "check", bad});
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_NE(err.out.find(bad + ":1:8: error:"), std::string::npos) << err.out;
  ProcessRun json = Sluice({"sql", "check", "--json", bad});
  EXPECT_EQ(json.exit_code, 1);
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["diagnostics"][0]["line"], 1);
  ProcessRun in = Sluice({"sql", "check", "--json", "-"}, good);
  EXPECT_EQ(in.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(in.out)["statements"].size(), 3u);
  EXPECT_EQ(Sluice({"sql", "check", (dir.path() / "missing.sql").string()}).exit_code, 2);
  EXPECT_EQ(Sluice({"sql", "check", "--flink-version", "1.9", good}).exit_code, 2);
  EXPECT_EQ(Sluice({"sql", "check", "--no-such-flag", good}).exit_code, 2);
  std::string truncate = Write(dir, "t.sql", "TRUNCATE TABLE t;");
  EXPECT_EQ(Sluice({"sql", "check", "--flink-version", "1.17", truncate}).exit_code, 1);
  EXPECT_EQ(Sluice({"sql", "check", "--flink-version", "1.18", truncate}).exit_code, 0);
}

TEST(SqlCli, LineageAndFormat) {
  sluice::testing::TempDir dir;
  std::string script = Write(dir, "l.sql",
                             "CREATE TABLE s (a INT) WITH ('connector' = 'jdbc', "
                             "'password' = 'hunter2');\n"
                             "CREATE TABLE k (a INT) WITH ('connector' = 'print');\n"
                             "insert into k select a from s;\n");
  ProcessRun json = Sluice({"sql", "lineage", "--json", script});
  EXPECT_EQ(json.exit_code, 0);
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["edges"][0]["from"], "s");
  EXPECT_EQ(j["edges"][0]["to"], "k");
  EXPECT_EQ(j["edges"][0]["statement"], 2);
  EXPECT_EQ(j["tables"][0]["options"]["password"], "******");
  EXPECT_EQ(json.out.find("hunter2"), std::string::npos);
  ProcessRun dot = Sluice({"sql", "lineage", "--dot", script});
  EXPECT_NE(dot.out.find("\"s\" -> \"k\""), std::string::npos) << dot.out;
  ProcessRun format = Sluice({"sql", "format", script});
  EXPECT_EQ(format.exit_code, 0);
  EXPECT_NE(format.out.find("INSERT INTO k\nSELECT a\nFROM s;"), std::string::npos) << format.out;
  EXPECT_EQ(Sluice({"sql", "format", Write(dir, "x.sql", "SELEC 1")}).exit_code, 1);
}

}  // namespace
}  // namespace sluice::sql
