// The `sluice` command: each command group registers its subcommands on the app. A
// command stores the process exit code in the context: 0 success, 1 a finding (invalid
// SQL, a failed deployment), 2 usage or I/O problems.
//
// A group registers itself from its own file:
//   SLUICE_CLI_COMMAND(RegisterSqlCommands);
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace sluice::cli {

struct Context {
  int exit_code = 0;
};

using Registration = void (*)(CLI::App& app, Context& ctx);
std::vector<Registration>& Registrations();

struct Registrar {
  explicit Registrar(Registration r) { Registrations().push_back(r); }
};

}  // namespace sluice::cli

#define SLUICE_CLI_COMMAND(fn) \
  static ::sluice::cli::Registrar SLUICE_CLI_CONCAT(sluice_cli_registrar_, __LINE__)(fn)
#define SLUICE_CLI_CONCAT_INNER(a, b) a##b
#define SLUICE_CLI_CONCAT(a, b) SLUICE_CLI_CONCAT_INNER(a, b)
