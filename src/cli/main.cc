#include <algorithm>

#include "cli/commands.h"
#include "common/build_info.h"

int main(int argc, char** argv) {
  CLI::App app{"sluice: a control plane for Apache Flink"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sluice ") + sluice::kVersion);
  sluice::cli::Context ctx;
  for (auto registration : sluice::cli::Registrations())
    registration(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
