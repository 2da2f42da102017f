// What the Flink client prints, read into structured results: the YARN application id,
// the JobManager web interface, the job id, a savepoint path, and on failure Flink's own
// exception text trimmed to its headline and "Caused by:" lines.
#pragma once

#include <string>
#include <string_view>

#include "common/process.h"
#include "common/result.h"

namespace sluice::deploy {

struct CliOutput {
  std::string application_id;  // Submitted application application_<ts>_<n>
  std::string web_interface;   // http://host:port (Found Web Interface / JobManager Web Interface)
  std::string job_id;          // Job has been submitted with JobID <32 hex>
  std::string savepoint_path;  // Savepoint completed. Path: ... / Savepoint stored in ...
  bool job_finished = false;   // Job with JobID ... has finished.
  std::string exception;       // after "The program finished with the following exception:"
};

// Reads stdout, stderr and (optionally) the client's log file together.
CliOutput ParseCliOutput(std::string_view out, std::string_view err, std::string_view log = "");

// Flink's exception: the headline and its "Caused by:" lines, stack frames left out, at
// most `max_lines` lines.
std::string TrimException(std::string_view text, size_t max_lines = 12);

// The error for a client run that did not succeed: what ran, how it ended, and Flink's
// exception (or the last lines of stderr when Flink printed none). kTimeout for a
// timeout, kCancelled when cancelled, else kFailedPrecondition.
Error CliFailure(std::string_view what, const ProcessResult& result, const CliOutput& output);

}  // namespace sluice::deploy
