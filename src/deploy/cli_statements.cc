#include "deploy/cli_statements.h"

#include "sql/analyzer.h"
#include "sql/ast.h"
#include "sql/source.h"

namespace sluice::deploy {
namespace {

using sql::Node;
using sql::NodeKind;

std::string LiteralOrRaw(const Node& n) {
  if (n.kind == NodeKind::kRaw) {
    std::string_view t = n.text;
    if (t.size() >= 2 && t.front() == '\'' && t.back() == '\'') {
      Node quoted = n;
      quoted.kind = NodeKind::kString;
      return sql::StringValue(quoted);
    }
    return std::string(t);
  }
  return sql::StringValue(n);
}

struct Writer {
  std::string out = "-- sluice-statements v1\n";
  void Add(std::string_view kind, uint32_t line, uint32_t column, std::string_view text,
           const std::vector<std::pair<std::string, std::string>>& attrs = {}) {
    out += "-- statement kind=" + std::string(kind) + " line=" + std::to_string(line) +
           " column=" + std::to_string(column) + " bytes=" + std::to_string(text.size());
    for (const auto& [k, v] : attrs)
      out += " " + k + "=" + PercentEncode(v);
    out += "\n";
    out += text;
    out += "\n";
  }
};

}  // namespace

std::string PercentEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '*') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::string> RunnerStatementsFile(std::string_view script,
                                         const flink::FlinkRelease& release) {
  auto version = sql::ParseFlinkVersion(release.ToString());
  if (!version) {
    return InvalidArgument("the SQL analyzer does not know Flink " + release.ToString() +
                           " (it knows " + std::string(sql::KnownFlinkVersions()) + ")");
  }
  sql::CheckResult checked = sql::Check(script, {.version = *version});
  if (!checked.ok()) {
    return Error{ErrorCode::kInvalidArgument, "the SQL script has errors", "spec.sql",
                 sql::RenderDiagnostics(checked, "spec.sql")};
  }
  const std::string& text = checked.script();
  sql::LineIndex lines(text);
  Writer w;
  for (const sql::Statement& s : checked.statements) {
    std::string_view kind = sql::StatementKindName(s.kind);
    const Node* body = s.ast != nullptr ? s.ast->first : nullptr;
    switch (s.kind) {
      case sql::StatementKind::kSelect:
        return Error{ErrorCode::kInvalidArgument,
                     "a SELECT cannot run as a job: nothing would show its rows",
                     "spec.sql:" + std::to_string(s.span.begin.line) + ":" +
                         std::to_string(s.span.begin.column),
                     "write its result with INSERT INTO a table"};
      case sql::StatementKind::kSet: {
        const Node* p = body ? body->Child(NodeKind::kProperty) : nullptr;
        std::vector<std::pair<std::string, std::string>> attrs;
        if (p != nullptr && p->first != nullptr) {
          const Node* value = p->last;
          attrs.push_back({"key", LiteralOrRaw(*p->first)});
          attrs.push_back(
              {"value", value != nullptr && value != p->first && value->kind != NodeKind::kSymbol
                            ? LiteralOrRaw(*value)
                            : ""});
        }
        w.Add(kind, s.span.begin.line, s.span.begin.column, s.text, attrs);
        break;
      }
      case sql::StatementKind::kReset: {
        const Node* key = body && body->first ? body->first->next : nullptr;
        std::vector<std::pair<std::string, std::string>> attrs;
        if (key != nullptr) attrs.push_back({"key", LiteralOrRaw(*key)});
        w.Add(kind, s.span.begin.line, s.span.begin.column, s.text, attrs);
        break;
      }
      case sql::StatementKind::kExecuteStatementSet: {
        const Node* set = body ? body->Child(NodeKind::kStatementSet) : nullptr;
        if (set == nullptr) return Internal("a statement set without its body");
        w.Add("BEGIN_STATEMENT_SET", s.span.begin.line, s.span.begin.column, "BEGIN STATEMENT SET");
        for (const Node* c = set->first; c != nullptr; c = c->next) {
          if (c->kind != NodeKind::kInsert) continue;
          sql::Position at = lines.At(c->begin);
          w.Add("INSERT", at.line, at.column,
                std::string_view(text).substr(c->begin, c->end - c->begin));
        }
        const Node* end = set->last;
        sql::Position at = end ? lines.At(end->begin) : s.span.end;
        w.Add("END", at.line, at.column, "END");
        break;
      }
      default:
        w.Add(kind, s.span.begin.line, s.span.begin.column, s.text);
    }
  }
  return w.out;
}

}  // namespace sluice::deploy
