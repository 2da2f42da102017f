// Running a program the way a user would, for CLI tests: argv only (no shell), stdin
// text in, exit code, stdout and stderr out.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sluice::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when it did not exit normally
  int signal = 0;      // the signal that ended it, 0 if none
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string stdin_text;
  std::vector<std::string> env;  // extra NAME=value entries on top of this process's environment
  std::filesystem::path cwd;     // empty: this process's working directory
  std::chrono::milliseconds timeout = std::chrono::seconds(60);  // then SIGKILL
};

// Starts argv[0] (a path; no PATH search) with posix_spawn and collects its output.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// build/<flavour>/bin/<name> of the tree the tests run from.
std::filesystem::path BuiltBinary(const std::string& name);

}  // namespace sluice::testing
