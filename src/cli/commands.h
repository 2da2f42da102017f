// Each command group registers its subcommands on the `sluice` app. A command's callback
// stores the process exit code in the context: 0 success, 1 a finding (invalid SQL, a
// failed deployment), 2 usage or I/O problems.
#pragma once

#include <CLI/CLI.hpp>

namespace sluice::cli {

struct Context {
  int exit_code = 0;
};

void RegisterVersionCommand(CLI::App& app, Context& ctx);

}  // namespace sluice::cli
