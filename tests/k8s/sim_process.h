// A real sluice-sim process for the k8s, flink, deploy and cli tests: started on a free
// port with fast timings, its kubeconfig, and its admin API (faults, dropped watches,
// settings, simulated Flink clusters).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "k8s/client.h"
#include "k8s/kubeconfig.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice::testing {

struct SimProcessOptions {
  std::string startup_delay = "50ms";
  std::string savepoint_duration = "100ms";
  std::string slot_timeout = "2s";
  bool operator_crds = false;  // install the operator CRDs from the reference at start
  std::vector<std::string> extra_args;
};

class SimProcess {
 public:
  // Starts sluice-sim ($SLUICE_SIM_BIN); fails the calling test if it does not come up.
  static std::unique_ptr<SimProcess> Start(SimProcessOptions options = {});
  ~SimProcess();

  const std::string& url() const { return url_; }
  std::string kubeconfig_path() const { return (dir_.path() / "kubeconfig").string(); }
  std::string kubeconfig_text() const;
  const std::string& token() const { return token_; }
  const TempDir& dir() const { return dir_; }

  k8s::RestConfig Config(const std::string& context = "") const;
  std::shared_ptr<k8s::Client> NewClient(const std::string& context = "",
                                         k8s::ClientOptions options = {}) const;

  // The admin API under /sim/v1 (and any path of the API server) as the administrator.
  nlohmann::json Admin(const std::string& method, const std::string& path,
                       const nlohmann::json& body = nullptr, int* status = nullptr) const;
  // The next `count` requests matching method and path regex fail with `status`.
  std::string FailNext(const std::string& method, const std::string& path_regex, int count,
                       int status = 500, const std::string& message = "simulated failure") const;
  // The next `count` matching requests hang for `hang` (then 504).
  std::string HangNext(const std::string& method, const std::string& path_regex, int count,
                       std::chrono::milliseconds hang) const;
  void ClearFaults() const;
  void DropWatches() const;
  // PUT /sim/v1/settings with these fields.
  void Settings(const nlohmann::json& fields) const;

 private:
  SimProcess() = default;
  TempDir dir_;
  std::unique_ptr<BackgroundProcess> process_;
  std::string url_;
  std::string token_;
};

// A test suite on one sluice-sim process: started before the suite's first test, stopped
// after its last. A suite that wants other options hides SetUpTestSuite and calls
// StartSuiteSim with them; a test's SetUp fails when the simulator did not start.
class SimProcessSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite() { StartSuiteSim(); }
  static void TearDownTestSuite();

 protected:
  static void StartSuiteSim(SimProcessOptions options = {});
  void SetUp() override { ASSERT_NE(sim_, nullptr) << "sluice-sim did not start"; }

  static SimProcess* sim_;  // the running suite's
};

// Polls `pred` until it holds or the timeout passes.
bool WaitUntil(const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace sluice::testing
