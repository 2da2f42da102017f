// The SQL analyzer's public API: check a Flink SQL script the way Flink's parser would,
// and say what it does (statements and their kinds, SET options, tables, connectors,
// lineage) and what is likely wrong with it. No I/O; safe to call on any input.
//
//   sql::CheckResult r = sql::Check(script, {.version = sql::FlinkVersion::k1_20});
//   if (!r.ok()) ... r.diagnostics ...
//   nlohmann::json j = sql::CheckJson(r);   // the `sluice sql check --json` object
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sql/ast.h"
#include "sql/source.h"
#include "sql/splitter.h"
#include "sql/statement_kind.h"
#include "sql/version.h"

namespace sluice::sql {

// Scripts larger than this are refused with a "script-too-large" error.
inline constexpr size_t kMaxScriptBytes = 8 * 1024 * 1024;

struct Options {
  FlinkVersion version = kNewestFlinkVersion;
  // The script runs as an application-mode job (Sluice's default): a SELECT there has no
  // client to print to.
  bool application_mode = true;
};

enum class Severity { kError, kWarning };
std::string_view SeverityName(Severity s);  // "error", "warning"

// From the first character to the last character (inclusive), 1-based lines and columns.
struct SourceSpan {
  Position begin;
  Position end;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;     // stable: "syntax-error", "unsupported-version", "no-job", ...
  std::string message;  // what is wrong and, where it helps, what to do
  SourceSpan span;
};

struct Statement {
  StatementKind kind = StatementKind::kUnknown;
  SourceSpan span;            // the statement with its ';'
  std::string_view text;      // into CheckResult::script(), without the ';'
  const Node* ast = nullptr;  // null when it did not parse
  bool ok = false;
};

enum class ColumnKind { kPhysical, kComputed, kMetadata };

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::kPhysical;
  std::string type;        // physical and metadata columns, as printed SQL
  std::string expression;  // computed columns
  std::string metadata_key;
  bool is_virtual = false;
};

struct TableOption {
  std::string key;
  std::string value;  // not redacted; renderings for people use RedactedValue
};

enum class TableKind { kTable, kView, kMaterializedTable };

struct Table {
  std::string name;  // as written, e.g. cat.db.orders
  TableKind kind = TableKind::kTable;
  bool temporary = false;
  std::vector<Column> columns;
  std::optional<std::pair<std::string, std::string>> watermark;  // column, expression
  std::vector<std::string> primary_key;
  std::vector<std::string> partition_keys;
  std::vector<TableOption> options;
  std::string connector;             // the 'connector' option, if any
  std::string like;                  // LIKE source table
  size_t statement = 0;              // index into CheckResult::statements
  std::vector<std::string> sources;  // views and CREATE ... AS: tables the query reads
};

struct LineageEdge {
  std::string from;
  std::string to;
  size_t statement = 0;  // index into CheckResult::statements
};

class CheckResult;
namespace internal {
// Check, with or without the script-wide checks (analyzer_internal.h: ScriptDiagnostics).
CheckResult CheckScript(std::string_view script, const Options& options, bool script_checks);
}  // namespace internal

class CheckResult {
 public:
  CheckResult();
  const std::string& script() const;

  std::vector<Statement> statements;
  std::vector<Diagnostic> diagnostics;
  // SET options in effect at the end of the script (RESET applied), for the job's
  // Flink configuration. Values are not redacted.
  std::map<std::string, std::string> set_options;
  std::vector<Table> tables;
  std::vector<std::string> connectors;  // distinct, in order of first use
  std::vector<LineageEdge> edges;

  bool ok() const;  // no error diagnostics
  const Table* FindTable(std::string_view name) const;

  struct State;  // the script copy, its tokens and syntax trees
  const State& state_for_rendering() const { return *state_; }

 private:
  friend CheckResult Check(std::string_view, const Options&);
  friend CheckResult internal::CheckScript(std::string_view, const Options&, bool);
  std::shared_ptr<State> state_;
};

CheckResult Check(std::string_view script, const Options& options = {});

// "******" for secret keys (password, secret, token, sasl.jaas.config), else the value.
std::string RedactedValue(std::string_view key, std::string_view value);
// The statement's text with the values of secret options masked.
std::string RedactedText(const CheckResult& result, const Statement& statement);

// The `sluice sql check --json` object (also POST /api/v1/sql/check's answer).
nlohmann::json CheckJson(const CheckResult& result);
// Compiler-style lines: FILE:LINE:COLUMN: error: message, the line, a caret.
std::string RenderDiagnostics(const CheckResult& result, std::string_view file_name);
// Tables (redacted options) and edges; and the same as a Graphviz digraph.
nlohmann::json LineageJson(const CheckResult& result);
std::string LineageDot(const CheckResult& result);
// The script in one canonical layout; an error when the script does not parse.
Result<std::string> Format(std::string_view script, const Options& options = {});

}  // namespace sluice::sql
