// `sluice sql check|lineage|format`: the SQL analyzer on a file or standard input.
// Exit codes: 0 no error, 1 the script has an error, 2 usage or I/O problems.
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "common/fs.h"
#include "sql/analyzer.h"

namespace sluice::cli {
namespace {

struct SqlArgs {
  std::string file;
  std::string flink_version;
  bool json = false;
  bool dot = false;
};

// Reads the script; a little more than the analyzer's limit is enough to refuse it.
Result<std::string> ReadScript(const std::string& file) {
  if (file == "-") {
    std::string text;
    char buffer[65536];
    while (std::cin.read(buffer, sizeof(buffer)) || std::cin.gcount() > 0) {
      text.append(buffer, static_cast<size_t>(std::cin.gcount()));
      if (text.size() > sql::kMaxScriptBytes) break;
    }
    if (std::cin.bad()) return InvalidArgument("cannot read standard input");
    return text;
  }
  return ReadFile(file, size_t{1} << 31);
}

bool Prepare(const SqlArgs& args, std::string* script, sql::Options* options) {
  if (!args.flink_version.empty()) {
    std::optional<sql::FlinkVersion> v = sql::ParseFlinkVersion(args.flink_version);
    if (!v) {
      std::cerr << "sluice sql: unknown Flink version '" << args.flink_version
                << "'; known versions: " << sql::KnownFlinkVersions() << "\n";
      return false;
    }
    options->version = *v;
  }
  Result<std::string> text = ReadScript(args.file);
  if (!text.ok()) {
    std::cerr << "sluice sql: " << text.error().ToString() << "\n";
    return false;
  }
  *script = std::move(text).value();
  return true;
}

std::string DisplayName(const std::string& file) {
  return file == "-" ? "<stdin>" : file;
}

int RunCheck(const SqlArgs& args) {
  std::string script;
  sql::Options options;
  if (!Prepare(args, &script, &options)) return 2;
  sql::CheckResult result = sql::Check(script, options);
  if (args.json) {
    std::cout << sql::CheckJson(result).dump(2) << "\n";
  } else {
    std::cout << sql::RenderDiagnostics(result, DisplayName(args.file));
    if (result.diagnostics.empty()) {
      std::cout << DisplayName(args.file) << ": " << result.statements.size()
                << (result.statements.size() == 1 ? " statement" : " statements")
                << ", no problems\n";
    }
  }
  return result.ok() ? 0 : 1;
}

int RunLineage(const SqlArgs& args) {
  std::string script;
  sql::Options options;
  if (!Prepare(args, &script, &options)) return 2;
  sql::CheckResult result = sql::Check(script, options);
  if (!result.ok()) std::cerr << sql::RenderDiagnostics(result, DisplayName(args.file));
  if (args.dot) {
    std::cout << sql::LineageDot(result);
  } else if (args.json) {
    std::cout << sql::LineageJson(result).dump(2) << "\n";
  } else {
    for (const sql::Table& t : result.tables) {
      std::cout << t.name << (t.connector.empty() ? "" : " (" + t.connector + ")") << "\n";
      for (const sql::Column& c : t.columns) {
        std::cout << "  " << c.name << " " << (c.type.empty() ? "AS " + c.expression : c.type)
                  << "\n";
      }
      for (const sql::TableOption& o : t.options) {
        std::cout << "  '" << o.key << "' = '" << sql::RedactedValue(o.key, o.value) << "'\n";
      }
    }
    for (const sql::LineageEdge& e : result.edges) {
      std::cout << e.from << " -> " << e.to << "  (statement " << e.statement << ")\n";
    }
  }
  return result.ok() ? 0 : 1;
}

int RunFormat(const SqlArgs& args) {
  std::string script;
  sql::Options options;
  if (!Prepare(args, &script, &options)) return 2;
  Result<std::string> formatted = sql::Format(script, options);
  if (!formatted.ok()) {
    std::cerr << DisplayName(args.file) << ": error: " << formatted.error().ToString() << "\n";
    return 1;
  }
  std::cout << formatted.value();
  return 0;
}

void AddCommon(CLI::App* cmd, SqlArgs* args) {
  cmd->add_option("--flink-version", args->flink_version,
                  "Flink release whose grammar applies (1.17 ... 2.4; default: newest)");
  cmd->add_option("FILE", args->file, "the SQL script, or - for standard input")->required();
}

void RegisterSqlCommands(CLI::App& app, Context& ctx) {
  auto* sql = app.add_subcommand("sql", "Check, explain and format Flink SQL scripts");
  sql->require_subcommand(1);

  auto check_args = std::make_shared<SqlArgs>();
  auto* check = sql->add_subcommand("check", "Report what Flink's parser would reject");
  check->add_flag("--json", check_args->json, "print one JSON object");
  AddCommon(check, check_args.get());
  check->callback([check_args, &ctx] { ctx.exit_code = RunCheck(*check_args); });

  auto lineage_args = std::make_shared<SqlArgs>();
  auto* lineage = sql->add_subcommand("lineage", "Print tables and which statements move data");
  lineage->add_flag("--json", lineage_args->json, "print one JSON object");
  lineage->add_flag("--dot", lineage_args->dot, "print a Graphviz digraph");
  AddCommon(lineage, lineage_args.get());
  lineage->callback([lineage_args, &ctx] { ctx.exit_code = RunLineage(*lineage_args); });

  auto format_args = std::make_shared<SqlArgs>();
  auto* format = sql->add_subcommand("format", "Print the script in one canonical layout");
  AddCommon(format, format_args.get());
  format->callback([format_args, &ctx] { ctx.exit_code = RunFormat(*format_args); });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterSqlCommands);
}  // namespace sluice::cli
