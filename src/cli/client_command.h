// What client commands share: the --server and --output flags, running a command against
// the API with errors printed the one way, and asking for input on the terminal.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/output.h"

namespace sluice::cli {

struct ClientFlags {
  std::string server;
  std::string output = "table";
};

// Adds --server and -o/--output to a command.
void AddClientFlags(CLI::App* cmd, ClientFlags& flags);

// Runs `body` with a client for the flags' server. Errors go to stderr as
// "sluice: where: message (hint)"; the exit code is 1 for an answer of the server that
// refuses, 2 for local problems (configuration, files, the server unreachable).
void RunClient(Context& ctx, const ClientFlags& flags,
               const std::function<Status(ApiClient&, OutputFormat)>& body);

// Reads a line from the terminal (/dev/tty), without echo for secrets. kFailedPrecondition
// when there is no terminal.
Result<std::string> Prompt(const std::string& question, bool secret);
// The first line of stdin, without its newline.
Result<std::string> ReadStdinLine(const std::string& what);

}  // namespace sluice::cli
