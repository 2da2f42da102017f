#include "k8s/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fs.h"
#include "common/strings.h"
#include "common/time.h"
#include "k8s/encoding.h"

extern char** environ;

namespace sluice::k8s {
namespace {

using nlohmann::json;

constexpr int64_t kTokenFileRefreshMs = 60'000;  // client-go re-reads token files each minute
constexpr int64_t kExpirySlackMs = 10'000;       // renew a little before the plugin's expiry
constexpr size_t kMaxPluginOutput = 1 << 20;

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds)
      if (fd >= 0) close(fd);
  }
};

struct Output {
  int exit_code = -1;
  std::string out, err;
  bool timed_out = false;
};

Result<Output> Run(const std::vector<std::string>& argv,
                   const std::vector<std::pair<std::string, std::string>>& extra_env,
                   std::chrono::milliseconds timeout) {
  Pipe out, err;
  if (pipe2(out.fds, O_CLOEXEC) != 0 || pipe2(err.fds, O_CLOEXEC) != 0) {
    return Internal(std::string("pipe: ") + std::strerror(errno));
  }
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra_env)
    env[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy)
    args.push_back(s.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  // PATH lookup uses the environment the plugin gets, as kubectl does.
  std::string path = env.count("PATH") ? env["PATH"] : "/usr/local/bin:/usr/bin:/bin";
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    for (const auto& dir : Split(path, ':')) {
      std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
      if (access(candidate.c_str(), X_OK) == 0) {
        program = candidate;
        break;
      }
    }
  }
  int rc = posix_spawn(&pid, program.c_str(), &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return NotFound("cannot run " + Quote(argv[0]) + ": " + std::strerror(rc));
  }
  close(out.fds[1]);
  out.fds[1] = -1;
  close(err.fds[1]);
  err.fds[1] = -1;

  Output result;
  int64_t deadline = MonotonicMillis() + timeout.count();
  pollfd fds[2] = {{out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}};
  int open = 2;
  char buf[8192];
  while (open > 0) {
    int64_t left = deadline - MonotonicMillis();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    int n = poll(fds, 2, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        fds[i].fd = -1;
        --open;
        continue;
      }
      std::string& sink = i == 0 ? result.out : result.err;
      if (sink.size() < kMaxPluginOutput) sink.append(buf, static_cast<size_t>(got));
    }
  }
  if (result.timed_out) kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string FirstLines(std::string_view text, size_t max_chars = 500) {
  std::string s(Trim(text));
  if (s.size() > max_chars) s = s.substr(0, max_chars) + "...";
  return s;
}

}  // namespace

Result<ExecCredential> ParseExecCredential(std::string_view json_text,
                                           std::string_view api_version) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument("the credential plugin did not print an ExecCredential JSON object");
  }
  if (doc.value("kind", "") != "ExecCredential") {
    return InvalidArgument("the credential plugin printed kind " + Quote(doc.value("kind", "")) +
                           ", expected ExecCredential");
  }
  if (!api_version.empty() && doc.value("apiVersion", "") != api_version) {
    return InvalidArgument("the credential plugin printed apiVersion " +
                           Quote(doc.value("apiVersion", "")) + ", the kubeconfig asks for " +
                           Quote(api_version));
  }
  const json status = doc.value("status", json::object());
  ExecCredential c;
  c.token = status.value("token", "");
  c.client_cert_pem = status.value("clientCertificateData", "");
  c.client_key_pem = status.value("clientKeyData", "");
  if (c.token.empty() && (c.client_cert_pem.empty() || c.client_key_pem.empty())) {
    return InvalidArgument(
        "the credential plugin's ExecCredential has neither status.token nor "
        "status.clientCertificateData with status.clientKeyData");
  }
  if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
    return InvalidArgument(
        "the credential plugin's ExecCredential must give clientCertificateData and "
        "clientKeyData together");
  }
  std::string expiry = status.value("expirationTimestamp", "");
  if (!expiry.empty()) {
    SLUICE_ASSIGN_OR_RETURN(c.expires_at_ms, ParseRfc3339(expiry));
  }
  return c;
}

Result<ExecCredential> RunExecPlugin(const ExecConfig& exec, const RestConfig& cluster,
                                     std::chrono::milliseconds timeout) {
  json info = {{"apiVersion", exec.api_version},
               {"kind", "ExecCredential"},
               {"spec", {{"interactive", false}}}};
  if (exec.provide_cluster_info) {
    json c = {{"server", cluster.server}};
    if (!cluster.tls.ca_pem.empty())
      c["certificate-authority-data"] = Base64Encode(cluster.tls.ca_pem);
    if (cluster.tls.insecure_skip_verify) c["insecure-skip-tls-verify"] = true;
    if (!cluster.tls.server_name.empty()) c["tls-server-name"] = cluster.tls.server_name;
    info["spec"]["cluster"] = c;
  }
  if (exec.interactive_mode == "Always") {
    return FailedPrecondition("the credential plugin " + Quote(exec.command) +
                              " requires interactiveMode Always; Sluice runs without a terminal");
  }
  std::vector<std::pair<std::string, std::string>> env = exec.env;
  env.emplace_back("KUBERNETES_EXEC_INFO", info.dump());
  std::vector<std::string> argv = {exec.command};
  argv.insert(argv.end(), exec.args.begin(), exec.args.end());
  auto run = Run(argv, env, timeout);
  std::string what =
      "credential plugin " + Quote(exec.command) + " (user " + Quote(cluster.user) + ")";
  if (!run.ok()) {
    Error e = std::move(run).error().Context(what);
    if (!exec.install_hint.empty()) e.hint = exec.install_hint;
    return e;
  }
  if (run->timed_out) {
    return Timeout(what + " did not finish within " + FormatDuration(timeout));
  }
  if (run->exit_code != 0) {
    return Unauthenticated(what + " exited with code " + std::to_string(run->exit_code) +
                           (run->err.empty() ? "" : ": " + FirstLines(run->err)));
  }
  auto cred = ParseExecCredential(run->out, exec.api_version);
  if (!cred.ok()) return std::move(cred).error().Context(what);
  return cred;
}

Status Credentials::Apply(http::ClientRequest& request) {
  const AuthInfo& a = config_.auth;
  request.tls.client_cert_pem = a.client_cert_pem;
  request.tls.client_cert_file = a.client_cert_file;
  request.tls.client_key_pem = a.client_key_pem;
  request.tls.client_key_file = a.client_key_file;
  std::string token;
  if (a.exec) {
    std::unique_lock lock(mu_);
    bool fresh = exec_valid_ &&
                 (exec_.expires_at_ms == 0 || NowMillis() + kExpirySlackMs < exec_.expires_at_ms);
    if (!fresh) {
      // One plugin run at a time: concurrent requests wait for it instead of racing.
      auto cred = RunExecPlugin(*a.exec, config_);
      ++exec_runs_;
      if (!cred.ok()) return std::move(cred).error();
      exec_ = std::move(cred).value();
      exec_valid_ = true;
    }
    token = exec_.token;
    if (!exec_.client_cert_pem.empty()) {
      request.tls.client_cert_pem = exec_.client_cert_pem;
      request.tls.client_key_pem = exec_.client_key_pem;
      request.tls.client_cert_file.clear();
      request.tls.client_key_file.clear();
    }
  } else if (!a.token_file.empty()) {
    std::unique_lock lock(mu_);
    if (file_token_.empty() || NowMillis() - file_read_at_ms_ > kTokenFileRefreshMs) {
      auto text = ReadFile(a.token_file);
      if (text.ok()) {
        file_token_ = std::string(Trim(*text));
        file_read_at_ms_ = NowMillis();
      } else if (file_token_.empty() && a.token.empty()) {
        return std::move(text).error().Context("tokenFile of user " + Quote(config_.user));
      }
    }
    token = file_token_.empty() ? a.token : file_token_;
  } else {
    token = a.token;
  }
  if (!token.empty()) {
    request.headers["Authorization"] = "Bearer " + token;
  } else if (!a.username.empty()) {
    request.headers["Authorization"] = "Basic " + Base64Encode(a.username + ":" + a.password);
  }
  return Status::Ok();
}

bool Credentials::Invalidate() {
  std::lock_guard lock(mu_);
  bool any = false;
  if (config_.auth.exec && exec_valid_) {
    exec_valid_ = false;
    any = true;
  }
  if (!config_.auth.token_file.empty() && !file_token_.empty()) {
    file_token_.clear();
    any = true;
  }
  return any;
}

int Credentials::exec_runs() const {
  std::lock_guard lock(mu_);
  return exec_runs_;
}

}  // namespace sluice::k8s
