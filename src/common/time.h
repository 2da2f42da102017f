// Wall-clock and monotonic time, and the duration syntax of Sluice's own settings.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice {

int64_t NowMillis();                             // Unix epoch, milliseconds
int64_t MonotonicMillis();                       // for intervals only
std::string FormatRfc3339(int64_t unix_millis);  // 2026-11-24T20:16:00.123Z

// "250ms", "30s", "5m", "2h", "1d", or a sequence like "1m30s". A bare number is refused.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
std::string FormatDuration(std::chrono::milliseconds d);  // the shortest form ParseDuration reads

}  // namespace sluice
