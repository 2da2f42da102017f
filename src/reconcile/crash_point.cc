#include "reconcile/crash_point.h"

#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <memory>

#include "common/log.h"
#include "common/strings.h"

namespace sluice::reconcile {
namespace {

std::optional<int64_t> Number(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

Error Bad(std::string_view text, const std::string& why) {
  return Error{.code = ErrorCode::kInvalidArgument,
               .message = "SLUICE_TEST_CRASH_AT=" + std::string(text) + ": " + why,
               .where = "SLUICE_TEST_CRASH_AT",
               .hint = "before:N or after:N, optionally :JOB_ID (tests only; unset it)"};
}

}  // namespace

Result<CrashPoint> ParseCrashPoint(std::string_view text) {
  std::vector<std::string> parts = Split(std::string(text), ':');
  if (parts.size() < 2 || parts.size() > 3) return Bad(text, "expected 2 or 3 parts");
  CrashPoint p;
  if (parts[0] == "after") {
    p.after = true;
  } else if (parts[0] != "before") {
    return Bad(text, "the first part is before or after");
  }
  auto nth = Number(parts[1]);
  if (!nth) return Bad(text, "the call number is a positive integer");
  p.nth = *nth;
  if (parts.size() == 3) {
    auto job = Number(parts[2]);
    if (!job) return Bad(text, "the job id is a positive integer");
    p.job_id = *job;
  }
  return p;
}

std::function<void(int64_t, std::string_view, bool)> CrashHook(
    CrashPoint point, std::function<void(std::string_view)> crash) {
  auto count = std::make_shared<std::atomic<int64_t>>(0);
  return
      [point, crash = std::move(crash), count](int64_t job_id, std::string_view call, bool after) {
        if (point.job_id && job_id != point.job_id) return;
        // Each call is counted once, on its way in.
        if (!after && ++*count != point.nth) return;
        if (after && count->load() != point.nth) return;
        if (after == point.after) crash(call);
      };
}

Result<std::function<void(int64_t, std::string_view, bool)>> CrashHookFromEnvironment() {
  const char* text = std::getenv("SLUICE_TEST_CRASH_AT");
  if (!text || !*text) return std::function<void(int64_t, std::string_view, bool)>{};
  SLUICE_ASSIGN_OR_RETURN(CrashPoint p, ParseCrashPoint(text));
  log::Warn("reconcile.crash_point").With("at", std::string(text));
  return CrashHook(p, [](std::string_view call) {
    log::Warn("reconcile.crash").With("call", std::string(call));
    raise(SIGKILL);
  });
}

}  // namespace sluice::reconcile
