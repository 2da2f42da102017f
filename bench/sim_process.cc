#include "sim_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "common/fs.h"

namespace sluice::bench {

ProcessUsage SampleUsage(pid_t pid) {
  ProcessUsage u;
  std::string proc = "/proc/" + std::to_string(pid);
  std::string status = ReadFile(proc + "/status").value_or("");
  auto pos = status.find("VmRSS:");
  if (pos != std::string::npos) u.rss_mib = std::stod(status.substr(pos + 6)) / 1024.0;
  pos = status.find("Threads:");
  if (pos != std::string::npos) u.threads = std::stoi(status.substr(pos + 8));
  std::string stat = ReadFile(proc + "/stat").value_or("");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return u;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; in >> field; ++i) {
    if (i == 14) ticks += std::stol(field);  // utime
    if (i == 15) {                           // stime
      ticks += std::stol(field);
      break;
    }
  }
  u.cpu_s = static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return u;
}

std::unique_ptr<SimProcess> SimProcess::Start(const std::string& bench, const std::string& sim_bin,
                                              const std::vector<std::string>& extra_args,
                                              std::chrono::milliseconds wait) {
  std::unique_ptr<SimProcess> sim(new SimProcess());
  sim->dir_ = std::filesystem::temp_directory_path() / (bench + "-" + std::to_string(getpid()));
  std::filesystem::create_directories(sim->dir_);
  sim->kubeconfig_ = sim->dir_ + "/kubeconfig";
  std::string ready = sim->dir_ + "/ready";
  std::vector<std::string> args = {
      sim_bin,          "--listen",     "127.0.0.1:0",  "--kubeconfig-out",
      sim->kubeconfig_, "--ready-file", ready,          "--startup-delay",
      "200ms",          "--no-events",  "--no-operator"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  sim->pid_ = fork();
  if (sim->pid_ == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (!std::filesystem::exists(ready) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!std::filesystem::exists(ready)) {
    std::cerr << bench << ": sluice-sim did not start (" << sim_bin << ")\n";
    return nullptr;
  }
  auto config = k8s::LoadRestConfig({.path = sim->kubeconfig_});
  if (!config.ok()) {
    std::cerr << bench << ": " << config.error().ToString() << "\n";
    return nullptr;
  }
  sim->config_ = std::move(config).value();
  return sim;
}

SimProcess::~SimProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int st;
    waitpid(pid_, &st, 0);
  }
  std::filesystem::remove_all(dir_);
}

nlohmann::json AllServiceAccountsEditBinding() {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRoleBinding"},
          {"metadata", {{"name", "all-sa-edit"}}},
          {"roleRef",
           {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
          {"subjects",
           {{{"kind", "Group"},
             {"name", "system:serviceaccounts"},
             {"apiGroup", "rbac.authorization.k8s.io"}}}}};
}

}  // namespace sluice::bench
