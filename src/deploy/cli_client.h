// Running a Flink client command (cli_command.h): its files written into the job's work
// directory (SQL files, the client's own configuration), argv run with the command's
// explicit environment, a timeout that kills the whole process group, both streams
// appended to <job>/log/client.log and passed to the target's log sink.
#pragma once

#include <memory>
#include <string_view>

#include "common/process.h"
#include "common/result.h"
#include "deploy/cli_command.h"
#include "deploy/cli_output.h"
#include "deploy/cli_target.h"
#include "deploy/flink_dist.h"

namespace sluice::deploy {

// Writes the command's files and the client configuration: the distribution's
// configuration directory copied, its configuration file merged with
// CliCommand::client_config (secrets, client JVM options).
Status PrepareClientFiles(const CliCommand& command, const FlinkDistribution& distribution);

// The process options for the command (argv, env, timeout, log file, sink).
ProcessOptions ClientProcessOptions(const CliCommand& command, const CliTarget& target,
                                    std::string_view cluster_id);

struct ClientRun {
  ProcessResult process;
  CliOutput output;
};

// Prepares and runs the command to its end. A run that does not succeed is an error
// (CliFailure: Flink's exception, kTimeout when killed at the timeout).
Result<ClientRun> RunClient(const CliCommand& command, const FlinkDistribution& distribution,
                            const CliTarget& target, std::string_view cluster_id,
                            std::string_view what);

}  // namespace sluice::deploy
