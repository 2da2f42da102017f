// Shared by the deploy tests: job specs from tests/deploy/cases, parsed into requests, and
// the fixture of the deployers' tests on a sluice-sim process.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "deploy/deployer.h"
#include "k8s/client.h"
#include "k8s/sim_process.h"

namespace sluice::deploy::testing {

// How long a test waits for the simulator to get somewhere, however loaded the machine.
inline constexpr auto kLong = std::chrono::seconds(60);

// tests/deploy/cases/<name>.yaml, parsed, defaulted and validated.
spec::JobSpec LoadCase(const std::string& name);
// The same, with `mutate` applied to the spec's text first (YAML lines appended, ...).
spec::JobSpec LoadCaseText(const std::string& text, const std::string& source);
std::string CaseText(const std::string& name);
DeploymentRequest RequestFor(const spec::JobSpec& job);

// A suite on one sluice-sim process (SimProcessSuite) with, for each test, a Kubernetes
// client on it and, when the suite names a target, a deployer of that target.
class SimDeployTest : public sluice::testing::SimProcessSuite {
 protected:
  explicit SimDeployTest(std::optional<spec::Target> target,
                         k8s::ClientOptions client_options = {.timeout = std::chrono::seconds(10)})
      : target_(target), client_options_(client_options) {}
  void SetUp() override;
  // deployer_ becomes a deployer of `target` on `kubernetes` with client_.
  void UseDeployer(spec::Target target, KubernetesTarget kubernetes = {});
  // Observes `request` until `pred` holds or kLong passes; the last observation read, and
  // in *reached whether `pred` held.
  Observation ObserveUntil(const DeploymentRequest& request,
                           const std::function<bool(const Observation&)>& pred, bool* reached);

  std::shared_ptr<k8s::Client> client_;
  std::unique_ptr<Deployer> deployer_;

 private:
  std::optional<spec::Target> target_;
  k8s::ClientOptions client_options_;
};

}  // namespace sluice::deploy::testing
