#include <iostream>

#include "cli/commands.h"
#include "common/build_info.h"

namespace sluice::cli {
namespace {

void RegisterVersionCommand(CLI::App& app, Context&) {
  auto* cmd = app.add_subcommand("version", "Print the version of this binary");
  cmd->callback([] { std::cout << "sluice " << kVersion << " (" << kGitCommit << ")\n"; });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterVersionCommand);
}  // namespace sluice::cli
