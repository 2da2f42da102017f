#include "common/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "common/strings.h"

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string Errno(int e) {
  return std::strerror(e);
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
}

std::string DurationText(milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

}  // namespace

// Outside the anonymous namespace: Process::State holds these (-Wsubobject-linkage
// would object once this file is compiled inside a unity batch).
namespace process_internal {

// Keeps the first quarter and the last three quarters of a stream.
class BoundedText {
 public:
  explicit BoundedText(size_t limit) : head_limit_(limit / 4), tail_limit_(limit - limit / 4) {}

  void Append(std::string_view data) {
    if (head_.size() < head_limit_) {
      size_t n = std::min(data.size(), head_limit_ - head_.size());
      head_.append(data.substr(0, n));
      data.remove_prefix(n);
    }
    tail_.append(data);
    if (tail_.size() > 2 * tail_limit_ || (tail_limit_ == 0 && !tail_.empty())) Trim();
  }
  std::string Text() const {
    size_t over = tail_.size() > tail_limit_ ? tail_.size() - tail_limit_ : 0;
    size_t dropped = dropped_ + over;
    std::string out = head_;
    if (dropped > 0) out += "\n[... " + std::to_string(dropped) + " bytes dropped ...]\n";
    out.append(tail_, over, std::string::npos);
    return out;
  }
  size_t dropped() const {
    return dropped_ + (tail_.size() > tail_limit_ ? tail_.size() - tail_limit_ : 0);
  }

 private:
  void Trim() {
    size_t over = tail_.size() - std::min(tail_.size(), tail_limit_);
    tail_.erase(0, over);
    dropped_ += over;
  }
  size_t head_limit_, tail_limit_;
  std::string head_, tail_;
  size_t dropped_ = 0;
};

}  // namespace process_internal

namespace {

using process_internal::BoundedText;

// Splits a stream into lines for the sink.
class LineSplitter {
 public:
  LineSplitter(OutputStream stream, size_t max_line) : stream_(stream), max_line_(max_line) {}
  void Feed(std::string_view data, const ProcessOptions& o) {
    if (!o.on_line) return;
    for (char c : data) {
      if (c == '\n') {
        o.on_line(stream_, partial_);
        partial_.clear();
      } else if (partial_.size() < max_line_) {
        partial_.push_back(c);
      }
    }
  }
  void Flush(const ProcessOptions& o) {
    if (o.on_line && !partial_.empty()) o.on_line(stream_, partial_);
    partial_.clear();
  }

 private:
  OutputStream stream_;
  size_t max_line_;
  std::string partial_;
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

struct Process::State {
  ProcessOptions options;
  pid_t pid = -1;
  int out_fd = -1, err_fd = -1;
  int log_fd = -1;  // ProcessOptions::output_file
  int wake_read = -1, wake_write = -1;
  std::atomic<bool> cancel_requested{false};
  Clock::time_point started;
  std::thread monitor;

  mutable std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  ProcessResult result;
  BoundedText out_text, err_text;

  explicit State(ProcessOptions o)
      : options(std::move(o)),
        out_text(options.max_output_bytes),
        err_text(options.max_output_bytes) {}
  ~State() {
    CloseFd(out_fd);
    CloseFd(err_fd);
    CloseFd(log_fd);
    CloseFd(wake_read);
    CloseFd(wake_write);
  }

  void Monitor();
};

void Process::State::Monitor() {
  LineSplitter out_lines(OutputStream::kStdout, options.max_output_bytes);
  LineSplitter err_lines(OutputStream::kStderr, options.max_output_bytes);
  bool exited = false;  // the leader exited (not reaped yet: its pid keeps the group id)
  bool term_sent = false, kill_sent = false, timed_out = false, cancelled = false;
  bool strays_killed = false;
  Clock::time_point term_at{}, exited_at{}, strays_at{};
  const bool has_deadline = options.timeout.count() > 0;
  const Clock::time_point deadline = started + options.timeout;
  // After the leader exits, whatever still holds its pipes gets this long, then SIGKILL.
  const milliseconds linger = std::min(options.kill_grace, milliseconds(1000));

  auto signal_group = [&](int sig) { ::kill(-pid, sig); };
  auto read_fd = [&](int& fd, BoundedText& text, LineSplitter& lines) {
    char buf[16384];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        std::string_view chunk(buf, static_cast<size_t>(n));
        for (size_t done = 0; log_fd >= 0 && done < chunk.size();) {
          ssize_t w = ::write(log_fd, chunk.data() + done, chunk.size() - done);
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) break;  // a full disk loses log lines, not the process's output
          done += static_cast<size_t>(w);
        }
        {
          std::lock_guard lock(mu);
          text.Append(chunk);
        }
        lines.Feed(chunk, options);
        if (static_cast<size_t>(n) < sizeof buf) return;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      CloseFd(fd);  // EOF or error
      return;
    }
  };

  for (;;) {
    Clock::time_point now = Clock::now();
    if (!term_sent && cancel_requested.load()) {
      cancelled = !exited;
      if (!exited) {
        signal_group(SIGTERM);
        term_sent = true;
        term_at = now;
      }
    }
    if (!term_sent && !exited && has_deadline && now >= deadline) {
      timed_out = true;
      signal_group(SIGTERM);
      term_sent = true;
      term_at = now;
    }
    if (term_sent && !kill_sent && now >= term_at + options.kill_grace) {
      signal_group(SIGKILL);
      kill_sent = true;
    }
    if (!exited) {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == pid) {
        exited = true;
        exited_at = now;
      }
    }
    if (exited && (out_fd < 0 && err_fd < 0)) break;
    if (exited && !strays_killed && now >= exited_at + linger) {
      signal_group(SIGKILL);  // strays of a finished leader that still hold its pipes
      strays_killed = true;
      strays_at = now;
    }
    if (strays_killed && now >= strays_at + linger) {
      // Whatever holds the pipes now left the group (setsid): stop reading.
      CloseFd(out_fd);
      CloseFd(err_fd);
      break;
    }

    struct pollfd fds[3];
    nfds_t n = 0;
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    fds[n++] = {wake_read, POLLIN, 0};
    int wait_ms = 50;  // the leader's exit has no descriptor here: look again soon
    if (has_deadline && !term_sent) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - now).count();
      wait_ms = static_cast<int>(std::clamp<int64_t>(left, 0, wait_ms));
    }
    int r = ::poll(fds, n, wait_ms);
    if (r < 0 && errno != EINTR) break;
    for (nfds_t i = 0; r > 0 && i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (fds[i].fd == wake_read) {
        char drain[64];
        while (::read(wake_read, drain, sizeof drain) > 0) {
        }
      } else if (fds[i].fd == out_fd) {
        read_fd(out_fd, out_text, out_lines);
      } else if (fds[i].fd == err_fd) {
        read_fd(err_fd, err_text, err_lines);
      }
    }
  }
  // A group member that survived everything above still gets SIGKILL before the
  // leader's pid (and with it the group id) is released.
  signal_group(SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out_lines.Flush(options);
  err_lines.Flush(options);

  std::lock_guard lock(mu);
  result.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  result.timed_out = timed_out;
  result.cancelled = cancelled && !timed_out;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  result.out = out_text.Text();
  result.err = err_text.Text();
  result.out_dropped = out_text.dropped();
  result.err_dropped = err_text.dropped();
  done = true;
  cv.notify_all();
}

std::string ProcessResult::Describe() const {
  if (timed_out) {
    return "killed after its " + DurationText(elapsed) + " timeout" +
           (signal ? " (" + SignalName(signal) + ")" : "");
  }
  if (cancelled) return "cancelled" + (signal ? " (" + SignalName(signal) + ")" : std::string());
  if (signal) return "killed by " + SignalName(signal);
  return "exited with status " + std::to_string(exit_code);
}

Process::Process(std::shared_ptr<State> state) : state_(std::move(state)) {}

Process::~Process() {
  if (!state_) return;
  Cancel();
  if (state_->monitor.joinable()) state_->monitor.join();
}

Result<std::unique_ptr<Process>> Process::Start(ProcessOptions options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return InvalidArgument("no program to start (empty argv)");
  }
  const std::string program = options.argv[0];
  auto state = std::make_shared<State>(std::move(options));
  const ProcessOptions& o = state->options;

  if (!o.output_file.empty()) {
    state->log_fd = ::open(o.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (state->log_fd < 0) {
      return Error{ErrorCode::kFailedPrecondition,
                   "cannot open the output file " + Quote(o.output_file) + ": " + Errno(errno),
                   program, "check that its directory exists and is writable"};
    }
  }
  int out_pipe[2], err_pipe[2], wake_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Internal("pipe: " + Errno(errno));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Internal("pipe: " + Errno(e));
  }
  if (::pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    int e = errno;
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      ::close(fd);
    return Internal("pipe: " + Errno(e));
  }
  state->out_fd = out_pipe[0];
  state->err_fd = err_pipe[0];
  state->wake_read = wake_pipe[0];
  state->wake_write = wake_pipe[1];
  ::fcntl(state->out_fd, F_SETFL, O_NONBLOCK);
  ::fcntl(state->err_fd, F_SETFL, O_NONBLOCK);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  // Descriptors other threads opened without O_CLOEXEC must not leak into the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, o.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: the group id is its pid
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  std::vector<char*> argv;
  for (const auto& a : o.argv)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : o.env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  state->started = Clock::now();
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    std::string where = o.cwd.empty() ? "" : " in " + Quote(o.cwd);
    return Error{
        rc == ENOENT || rc == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kFailedPrecondition,
        "cannot start " + Quote(program) + where + ": " + Errno(rc), program,
        rc == ENOENT ? "check that the program and the working directory exist" : ""};
  }
  state->pid = pid;
  state->monitor = std::thread([s = state.get()] { s->Monitor(); });
  return std::unique_ptr<Process>(new Process(state));
}

int Process::pid() const {
  return state_->pid;
}

bool Process::running() const {
  std::lock_guard lock(state_->mu);
  return !state_->done;
}

void Process::Cancel() {
  state_->cancel_requested.store(true);
  char c = 1;
  [[maybe_unused]] ssize_t n = ::write(state_->wake_write, &c, 1);
}

ProcessResult Process::Wait() {
  std::unique_lock lock(state_->mu);
  state_->cv.wait(lock, [&] { return state_->done; });
  return state_->result;
}

std::optional<ProcessResult> Process::WaitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  if (!state_->cv.wait_for(lock, timeout, [&] { return state_->done; })) return std::nullopt;
  return state_->result;
}

std::string Process::out() const {
  std::lock_guard lock(state_->mu);
  return state_->done ? state_->result.out : state_->out_text.Text();
}

std::string Process::err() const {
  std::lock_guard lock(state_->mu);
  return state_->done ? state_->result.err : state_->err_text.Text();
}

Result<ProcessResult> RunProcess(ProcessOptions options, std::stop_token stop) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Process> process, Process::Start(std::move(options)));
  std::stop_callback on_stop(stop, [&] { process->Cancel(); });
  return process->Wait();
}

Result<std::string> FindExecutable(std::string_view name, std::string_view path) {
  auto executable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string_view::npos) {
    if (executable(std::string(name))) return std::string(name);
    return NotFound(Quote(name) + " is not an executable file");
  }
  for (const auto& dir : Split(path, ':')) {
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + std::string(name);
    if (executable(candidate)) return candidate;
  }
  return NotFound("no executable " + Quote(name) + " in PATH " + Quote(path));
}

std::map<std::string, std::string> InheritEnv(const std::vector<std::string>& names) {
  std::map<std::string, std::string> out;
  for (const auto& n : names) {
    if (const char* v = std::getenv(n.c_str())) out[n] = v;
  }
  return out;
}

}  // namespace sluice
