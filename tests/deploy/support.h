// Shared by the deploy tests: job specs from tests/deploy/cases, parsed into requests.
#pragma once

#include <chrono>

#include <string>

#include "deploy/deployer.h"

namespace sluice::deploy::testing {

// How long a test waits for the simulator to get somewhere, however loaded the machine.
inline constexpr auto kLong = std::chrono::seconds(60);

// tests/deploy/cases/<name>.yaml, parsed, defaulted and validated.
spec::JobSpec LoadCase(const std::string& name);
// The same, with `mutate` applied to the spec's text first (YAML lines appended, ...).
spec::JobSpec LoadCaseText(const std::string& text, const std::string& source);
std::string CaseText(const std::string& name);
DeploymentRequest RequestFor(const spec::JobSpec& job);

}  // namespace sluice::deploy::testing
