// Running other programs from production code: argv only (never a shell), an explicit
// environment, the child in its own process group, stdout and stderr captured (streamed
// line by line to a sink and kept bounded), a timeout and cancellation that end the whole
// process group (SIGTERM, then SIGKILL after a grace period).
//
//   ProcessOptions o;
//   o.argv = {"/opt/flink/bin/flink", "run", "-t", "local", "/jobs/job.jar"};
//   o.env = {{"JAVA_HOME", "/usr/lib/jvm/java-17"}, {"PATH", "/usr/bin:/bin"}};
//   o.timeout = std::chrono::minutes(5);
//   SLUICE_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(o));
//   if (!r.ok()) ... r.Describe() ... r.err ...
//
// tests/support/subprocess.h is the tests' own helper; this one is for Sluice itself.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sluice {

enum class OutputStream { kStdout, kStderr };

struct ProcessOptions {
  // argv[0] is the program's path; it is not looked up in PATH (see FindExecutable).
  std::vector<std::string> argv;
  // The child's whole environment: nothing of this process's environment is inherited.
  std::map<std::string, std::string> env;
  std::string cwd;  // "" = this process's working directory
  // From start to exit; 0 = none. On expiry the process group gets SIGTERM, then SIGKILL.
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds kill_grace{5'000};
  // Bytes kept per stream: the first quarter and the last three quarters of the output,
  // with a marker where bytes were dropped.
  size_t max_output_bytes = 1 << 20;
  // Both streams, unbounded and interleaved as they arrive, are appended to this file
  // (the job's log); "" = none. Start fails when it cannot be opened.
  std::string output_file;
  // Called with each line (without its '\n'; a last line without one is flushed at exit),
  // from the process's reader thread. Lines longer than max_output_bytes are cut.
  std::function<void(OutputStream stream, std::string_view line)> on_line;
};

struct ProcessResult {
  int exit_code = -1;  // -1 when ended by a signal
  int signal = 0;      // the signal that ended it, 0 if it exited
  bool timed_out = false;
  bool cancelled = false;
  std::string out, err;  // bounded (ProcessOptions::max_output_bytes)
  size_t out_dropped = 0, err_dropped = 0;
  std::chrono::milliseconds elapsed{0};

  bool ok() const { return exit_code == 0 && !timed_out && !cancelled; }
  // "exited with status 1", "killed by SIGKILL after the 30s timeout", "cancelled".
  std::string Describe() const;
};

// A started process. The destructor ends a process that still runs (as Cancel does) and
// waits for it.
class Process {
 public:
  // Fails (naming argv[0]) when the program cannot be started.
  static Result<std::unique_ptr<Process>> Start(ProcessOptions options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  int pid() const;  // also the process group id
  bool running() const;
  // Sends SIGTERM to the process group, SIGKILL after the grace period; returns at once.
  void Cancel();
  // Waits for the end (exit, timeout or cancellation).
  ProcessResult Wait();
  // Waits at most `timeout`; nullopt while it still runs.
  std::optional<ProcessResult> WaitFor(std::chrono::milliseconds timeout);
  // The output so far (bounded like the result's).
  std::string out() const;
  std::string err() const;

 private:
  struct State;
  explicit Process(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

// Start and Wait; a stop request on `stop` cancels the process.
Result<ProcessResult> RunProcess(ProcessOptions options, std::stop_token stop = {});

// The first executable `name` in the ':'-separated `path` (a name with a '/' is returned
// as it is when executable); kNotFound otherwise.
Result<std::string> FindExecutable(std::string_view name, std::string_view path);

// The variables of this process's environment named in `names` that are set.
std::map<std::string, std::string> InheritEnv(const std::vector<std::string>& names);

}  // namespace sluice
