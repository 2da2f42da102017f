// Resource sizes as the spec accepts them.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace sluice::spec {

// A pod's memory: Flink's MemorySize syntax first (1600m, 2g, 2048 mb: powers of 1024),
// else a Kubernetes quantity (2Gi, 1.5Gi, 512Mi, 2G = 2*10^9). Like the operator's
// resource.memory. Zero is rejected.
Result<uint64_t> ParseMemoryAmount(std::string_view text);

}  // namespace sluice::spec
