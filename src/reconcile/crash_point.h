// Test-only crash points for `sluice serve`: with SLUICE_TEST_CRASH_AT set, the process
// kills itself with SIGKILL at an exact place of a reconcile pass, so crash tests can stop
// the real server at every step of a deployment or an upgrade and restart it.
//
//   SLUICE_TEST_CRASH_AT=before:N   just before the Nth deployer call (its intent stored)
//   SLUICE_TEST_CRASH_AT=after:N    just after the Nth call (its result not stored yet)
//   ...:N:JOB_ID                    count only the calls made for that job
//
// Calls are counted from 1 in this process (ReconcilerOptions::at_call).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice::reconcile {

struct CrashPoint {
  bool after = false;  // after the call (else before it)
  int64_t nth = 0;     // 1-based
  int64_t job_id = 0;  // 0: every job
};

// "before:3", "after:2:17"; errors name the part that is wrong.
Result<CrashPoint> ParseCrashPoint(std::string_view text);

// The at_call hook for a crash point: counts matching calls and calls `crash` at the Nth.
std::function<void(int64_t job_id, std::string_view call, bool after)> CrashHook(
    CrashPoint point, std::function<void(std::string_view call)> crash);

// The hook from SLUICE_TEST_CRASH_AT (raise(SIGKILL) at the point), or an empty function
// when it is not set. A value that does not parse is an error.
Result<std::function<void(int64_t, std::string_view, bool)>> CrashHookFromEnvironment();

}  // namespace sluice::reconcile
