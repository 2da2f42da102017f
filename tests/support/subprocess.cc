#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

extern char** environ;

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> BuildEnv(const ProcessOptions& o) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& k : o.unset_env)
    env.erase(k);
  for (const auto& [k, v] : o.env)
    env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env)
    out.push_back(k + "=" + v);
  return out;
}

int Spawn(const std::vector<std::string>& argv, const ProcessOptions& o, int* in_fd, int* out_fd,
          int* err_fd) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, o.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto env_strings = BuildEnv(o);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    return -1;
  }
  *in_fd = in[1];
  *out_fd = out[0];
  *err_fd = err[0];
  return pid;
}

// Reads what is available from fd into buf; false at end of file.
bool Drain(int fd, std::string& buf) {
  char chunk[8192];
  ssize_t n = read(fd, chunk, sizeof chunk);
  if (n > 0) {
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  }
  return n < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

ProcessOutput RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessOutput result;
  int in_fd, out_fd, err_fd;
  int pid = Spawn(argv, options, &in_fd, &out_fd, &err_fd);
  if (pid < 0) {
    result.err = "cannot start " + argv.at(0) + ": " + std::strerror(errno);
    return result;
  }
  std::thread writer([in_fd, data = options.stdin_data] {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = write(in_fd, data.data() + off, data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in_fd);
  });
  auto deadline = Clock::now() + options.timeout;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill(-pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(std::min<long>(left, 200))) < 0 && errno != EINTR) break;
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP))) out_open = Drain(out_fd, result.out);
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP))) err_open = Drain(err_fd, result.err);
  }
  writer.join();
  close(out_fd);
  close(err_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const ProcessOptions& options) {
  int in_fd;
  pid_ = Spawn(argv, options, &in_fd, &out_fd_, &err_fd_);
  if (pid_ < 0) {
    err_ = "cannot start " + argv.at(0);
    exited_ = true;
    return;
  }
  close(in_fd);
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

BackgroundProcess::~BackgroundProcess() {
  if (!exited_ && pid_ > 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void BackgroundProcess::Pump(int timeout_ms) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (poll(fds, 2, timeout_ms) <= 0) return;
  if (fds[0].revents & (POLLIN | POLLHUP)) Drain(out_fd_, out_);
  if (fds[1].revents & (POLLIN | POLLHUP)) Drain(err_fd_, err_);
}

bool BackgroundProcess::WaitForStderr(const std::function<bool(const std::string&)>& done,
                                      std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (done(err_)) return true;
    if (!exited_ && waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    Pump(50);
    if (exited_) {
      Pump(0);
      return done(err_);
    }
  }
  return done(err_);
}

void BackgroundProcess::Signal(int sig) {
  if (!exited_ && pid_ > 0) kill(pid_, sig);
}

int BackgroundProcess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!exited_ && Clock::now() < deadline) {
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      exited_ = true;
      break;
    }
    Pump(20);
  }
  if (!exited_) return -1;
  for (int i = 0; i < 10; ++i)
    Pump(0);
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

bool BackgroundProcess::Running() {
  if (!exited_ && waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
  Pump(0);
  return !exited_;
}

int BackgroundProcess::TermSignal() const {
  return exited_ && WIFSIGNALED(status_) ? WTERMSIG(status_) : 0;
}

}  // namespace sluice::testing
