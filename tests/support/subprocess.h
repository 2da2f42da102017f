// Running programs from tests with argv (never a shell): capture output, feed input,
// signal them, wait with a timeout.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sluice::testing {

struct ProcessOutput {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  bool timed_out = false;
};

struct ProcessOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the test's environment
  std::vector<std::string> unset_env;      // removed from it
  std::string stdin_data;
  std::string cwd;
  std::chrono::milliseconds timeout{60'000};
};

// Runs argv to completion (killed after the timeout).
ProcessOutput RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A program left running while the test talks to it.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});
  ~BackgroundProcess();  // SIGKILL if still running

  int pid() const { return pid_; }
  // Reads stderr until `done` returns true for what was read so far, or the timeout passes.
  bool WaitForStderr(const std::function<bool(const std::string&)>& done,
                     std::chrono::milliseconds timeout);
  const std::string& err() const { return err_; }
  const std::string& out() const { return out_; }
  void Signal(int sig);
  // Waits for exit; returns the exit code, or -1 (killed by a signal or timed out).
  int Wait(std::chrono::milliseconds timeout);
  // Whether it still runs (reaps it when it has ended); the signal that ended it, or 0.
  bool Running();
  int TermSignal() const;

 private:
  void Pump(int timeout_ms);
  int pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  bool exited_ = false;
  int status_ = 0;
};

}  // namespace sluice::testing
