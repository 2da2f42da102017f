// The files a SQL job's main reads, written by Sluice: for Flink 1.x the runner's
// statements file (`-- sluice-statements v1`, runner/src/main/java/dev/sluice/runner/
// StatementFile.java), for 2.x the script itself for Flink's SqlDriver. Never SQL in argv.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "flink/rest_client.h"

namespace sluice::deploy {

// Checks the script with the analyzer of `release` and writes the statements file:
// statement sets split into BEGIN_STATEMENT_SET, their INSERTs and END; SET/RESET with
// their key and value (percent-encoded). A script with errors, or a SELECT (which an
// application-mode job cannot show), is kInvalidArgument with the diagnostics.
Result<std::string> RunnerStatementsFile(std::string_view script,
                                         const flink::FlinkRelease& release);

// Percent-encoding as java.net.URLDecoder reads it back ('+' and ' ' encoded).
std::string PercentEncode(std::string_view text);

}  // namespace sluice::deploy
