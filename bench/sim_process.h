// What the simulator benchmarks share: sluice-sim started as its own process (so that its
// memory and CPU are its own), this or that process's resident memory and CPU seconds
// from /proc, and the binding that lets the JobManagers' service accounts create
// TaskManagers. The Flink objects themselves come from the simulator's test support.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/kubeconfig.h"

namespace sluice::bench {

struct ProcessUsage {
  double rss_mib = 0;
  double cpu_s = 0;  // user + system
  int threads = 0;
};
ProcessUsage SampleUsage(pid_t pid);

class SimProcess {
 public:
  // Starts `sim_bin` on 127.0.0.1 with pods starting after 200 ms, no events and no
  // operator, plus `extra_args`; waits for its ready file at most `wait` and reads the
  // kubeconfig it wrote. Null (after a message on stderr naming `bench`) when it did not
  // start.
  static std::unique_ptr<SimProcess> Start(const std::string& bench, const std::string& sim_bin,
                                           const std::vector<std::string>& extra_args,
                                           std::chrono::milliseconds wait);
  ~SimProcess();  // SIGTERM, waits, removes its directory
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  pid_t pid() const { return pid_; }
  const k8s::RestConfig& config() const { return config_; }

 private:
  SimProcess() = default;
  pid_t pid_ = -1;
  std::string dir_, kubeconfig_;
  k8s::RestConfig config_;
};

// A ClusterRoleBinding of `edit` for every service account.
nlohmann::json AllServiceAccountsEditBinding();

}  // namespace sluice::bench
