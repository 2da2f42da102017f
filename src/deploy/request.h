// Building DeploymentRequests from specs, and the deterministic values derived from them:
// the spec hash that tells "this deployment is that spec" and the job id.
#pragma once

#include <string>
#include <string_view>

#include "deploy/deployer.h"
#include "flinkconf/version.h"

namespace sluice::deploy {

// 16 hex digits of SHA-256 over the canonical JSON of the spec: equal specs, equal hashes.
std::string SpecHash(const spec::JobSpec& job);
// 32 hex digits of SHA-256 over the parts: a Flink JobID / trigger id made reproducible.
std::string DerivedId(std::initializer_list<std::string_view> parts);

// The spec's Flink version; kInvalidArgument naming spec.flinkVersion.
Result<flinkconf::FlinkVersion> VersionOf(const spec::JobSpec& job);

// True when the configuration turns Flink's high availability on.
bool HaEnabled(const std::map<std::string, std::string>& config);

// The annotation that carries the spec hash on the JobManager Deployment / resource.
inline constexpr std::string_view kSpecHashAnnotation = "sluice.dev/spec-hash";

}  // namespace sluice::deploy
