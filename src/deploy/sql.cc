#include "deploy/sql.h"

#include "common/redact.h"
#include "common/strings.h"
#include "http/message.h"
#include "sql/ast.h"
#include "sql/source.h"

namespace sluice::deploy {
namespace {

std::string Unquote(const sql::Node& n) {
  std::string_view t = n.text;
  if (n.kind == sql::NodeKind::kString && t.size() >= 2 && t.front() == '\'' && t.back() == '\'') {
    return ReplaceAll(std::string(t.substr(1, t.size() - 2)), "''", "'");
  }
  return std::string(t);
}

struct Piece {
  std::string kind;
  uint32_t offset = 0;  // where it starts in the script (for line and column)
  std::string text;
  std::optional<std::string> key, value;
};

void Emit(std::string& out, const Piece& p, const sql::LineIndex& lines) {
  sql::Position pos = lines.At(p.offset);
  out += "-- statement kind=" + p.kind + " line=" + std::to_string(pos.line) +
         " column=" + std::to_string(pos.column) + " bytes=" + std::to_string(p.text.size());
  if (p.key) out += " key=" + http::PercentEncode(*p.key);
  if (p.value) out += " value=" + http::PercentEncode(*p.value);
  out += "\n" + p.text + "\n";
}

sql::FlinkVersion SqlVersion(const flinkconf::FlinkVersion& v) {
  auto parsed = sql::ParseFlinkVersion(v.MajorMinor());
  if (parsed) return *parsed;
  return v.major < 2 ? sql::FlinkVersion::k1_17 : sql::kNewestFlinkVersion;
}

}  // namespace

std::string StatementsFile(const sql::CheckResult& result) {
  const std::string& script = result.script();
  sql::LineIndex lines(script);
  std::string out = "-- sluice-statements v1\n";
  for (const sql::Statement& s : result.statements) {
    uint32_t begin = s.span.begin.offset;
    const sql::Node* body = s.ast ? s.ast->first : nullptr;
    Piece p{std::string(sql::StatementKindName(s.kind)), begin, std::string(s.text), {}, {}};
    if (s.kind == sql::StatementKind::kSet && body) {
      if (const sql::Node* prop = body->Child(sql::NodeKind::kProperty); prop && prop->first) {
        p.key = Unquote(*prop->first);
        const sql::Node* v = prop->last;
        if (v && v != prop->first && v->kind != sql::NodeKind::kSymbol) p.value = Unquote(*v);
      }
    } else if (s.kind == sql::StatementKind::kReset && body && body->first && body->first->next) {
      p.key = Unquote(*body->first->next);
    } else if (s.kind == sql::StatementKind::kExecuteStatementSet && body) {
      // The runner takes statement sets already split: BEGIN, the INSERTs, END.
      const sql::Node* set = body->Child(sql::NodeKind::kStatementSet);
      if (set) {
        Emit(out, {"BEGIN_STATEMENT_SET", begin, "BEGIN STATEMENT SET", {}, {}}, lines);
        uint32_t end_at = begin;
        for (const sql::Node* c = set->first; c; c = c->next) {
          if (c->kind == sql::NodeKind::kInsert) {
            Emit(out, {"INSERT", c->begin, script.substr(c->begin, c->end - c->begin), {}, {}},
                 lines);
          }
          if (c->kind == sql::NodeKind::kKeyword) end_at = c->begin;
        }
        Emit(out, {"END", end_at, "END", {}, {}}, lines);
        continue;
      }
    }
    Emit(out, p, lines);
  }
  return out;
}

Result<SqlArtifacts> BuildSqlArtifacts(std::string_view script,
                                       const flinkconf::FlinkVersion& version, bool batch) {
  sql::CheckResult result = sql::Check(script, {.version = SqlVersion(version)});
  SqlArtifacts a;
  std::vector<std::string> errors;
  for (const auto& d : result.diagnostics) {
    std::string line = "spec.sql:" + std::to_string(d.span.begin.line) + ":" +
                       std::to_string(d.span.begin.column) + ": " + d.message;
    if (d.severity == sql::Severity::kError) {
      errors.push_back(line);
    } else {
      a.warnings.push_back(line);
    }
  }
  if (!errors.empty()) {
    return InvalidArgument("the SQL script does not parse for Flink " + version.MajorMinor() +
                           ":\n  " + Join(errors, "\n  "))
        .At("spec.sql")
        .Hint("sluice sql check shows the same with the source lines");
  }
  a.set_options = result.set_options;
  for (const auto& s : result.statements) {
    if (sql::RedactedText(result, s) != s.text) a.has_secrets = true;
  }
  for (const auto& [k, v] : a.set_options) {
    if (IsSecretKey(k)) a.has_secrets = true;
  }
  std::string dir(kSqlMountDir);
  if (version.major >= 2) {
    a.main_class = std::string(kSqlDriverMain);
    a.file_name = "script.sql";
    a.content = std::string(script);
    a.args = {"--scriptUri", "file://" + dir + "/" + a.file_name};
  } else {
    a.main_class = std::string(kRunnerMain);
    a.jar = std::string(kRunnerJar);
    a.file_name = "statements";
    a.content = StatementsFile(result);
    a.args = {"--statements", dir + "/" + a.file_name};
    if (batch) {
      a.args.push_back("--mode");
      a.args.push_back("batch");
    }
  }
  return a;
}

Result<SqlArtifacts> SqlFileArtifacts(std::string_view uri,
                                      const flinkconf::FlinkVersion& version) {
  if (version.major < 2) {
    return InvalidArgument("spec.sqlFile needs Flink 2.x, whose SqlDriver reads the script from " +
                           Quote(uri) + "; the 1.x runner reads the statements Sluice checked")
        .At("spec.sqlFile")
        .Hint("put the script in spec.sql");
  }
  SqlArtifacts a;
  a.main_class = std::string(kSqlDriverMain);
  a.args = {"--scriptUri", std::string(uri)};
  return a;
}

}  // namespace sluice::deploy
