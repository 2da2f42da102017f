// Renderings of a CheckResult: the JSON contract, compiler-style text, lineage as JSON
// and as Graphviz. Everything meant for people has secret option values masked.
#include <sstream>

#include "common/strings.h"
#include "sql/analyzer.h"
#include "sql/analyzer_internal.h"

namespace sluice::sql {
namespace {

using nlohmann::json;

std::string_view ColumnKindName(ColumnKind k) {
  switch (k) {
    case ColumnKind::kComputed:
      return "computed";
    case ColumnKind::kMetadata:
      return "metadata";
    default:
      return "physical";
  }
}

std::string_view TableKindName(TableKind k) {
  switch (k) {
    case TableKind::kView:
      return "view";
    case TableKind::kMaterializedTable:
      return "materialized_table";
    default:
      return "table";
  }
}

std::string DotQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// The caret line under `line`: tabs kept so the caret lines up, then ^~~~.
std::string Caret(std::string_view line, uint32_t column, uint32_t width) {
  std::string out;
  uint32_t col = 1;
  for (size_t i = 0; i < line.size() && col < column; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out.push_back(c == '\t' ? '\t' : ' ');
    ++col;
  }
  out.push_back('^');
  for (uint32_t i = 1; i < width && i < 200; ++i)
    out.push_back('~');
  return out;
}

// JSON strings must be UTF-8: invalid bytes become U+FFFD.
std::string U(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = n > 0 && i + n <= s.size();
    for (size_t k = 1; valid && k < n; ++k) {
      valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (valid && n == 2 && c < 0xC2) valid = false;
    if (valid && n == 3) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) valid = false;
    }
    if (valid && n == 4) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) valid = false;
    }
    if (valid) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::vector<std::string> U(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (const std::string& s : v)
    out.push_back(U(s));
  return out;
}

}  // namespace

std::string ValidUtf8(std::string_view s) {
  return U(s);
}

json CheckJson(const CheckResult& r) {
  json statements = json::array();
  for (const Statement& s : r.statements) {
    statements.push_back({{"kind", std::string(StatementKindName(s.kind))},
                          {"line", s.span.begin.line},
                          {"column", s.span.begin.column},
                          {"end_line", s.span.end.line},
                          {"end_column", s.span.end.column},
                          {"text", U(RedactedText(r, s))}});
  }
  json diagnostics = json::array();
  for (const Diagnostic& d : r.diagnostics) {
    diagnostics.push_back({{"severity", std::string(SeverityName(d.severity))},
                           {"code", d.code},
                           {"message", U(d.message)},
                           {"line", d.span.begin.line},
                           {"column", d.span.begin.column},
                           {"end_line", d.span.end.line},
                           {"end_column", d.span.end.column}});
  }
  return json{{"ok", r.ok()}, {"statements", statements}, {"diagnostics", diagnostics}};
}

std::string RenderDiagnostics(const CheckResult& r, std::string_view file_name) {
  LineIndex lines(r.script());
  std::ostringstream out;
  int errors = 0, warnings = 0;
  for (const Diagnostic& d : r.diagnostics) {
    (d.severity == Severity::kError ? errors : warnings)++;
    std::string_view message = d.message;
    std::string_view rest;
    size_t nl = message.find('\n');
    if (nl != std::string_view::npos) {
      rest = message.substr(nl + 1);
      message = message.substr(0, nl);
    }
    out << file_name << ":" << d.span.begin.line << ":" << d.span.begin.column << ": "
        << SeverityName(d.severity) << ": " << message << " [" << d.code << "]\n";
    std::string_view line = lines.Line(d.span.begin.line);
    if (!r.script().empty() && line.size() <= 400) {
      uint32_t width =
          d.span.end.line == d.span.begin.line && d.span.end.column >= d.span.begin.column
              ? d.span.end.column - d.span.begin.column + 1
              : 1;
      out << "  " << MaskSecrets(r.state_for_rendering(), line) << "\n  "
          << Caret(line, d.span.begin.column, width) << "\n";
    }
    while (!rest.empty()) {
      size_t e = rest.find('\n');
      std::string_view l = rest.substr(0, e);
      out << "  " << Trim(l) << "\n";
      rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 1);
    }
  }
  if (errors + warnings > 0) {
    out << errors << (errors == 1 ? " error, " : " errors, ") << warnings
        << (warnings == 1 ? " warning\n" : " warnings\n");
  }
  return out.str();
}

json LineageJson(const CheckResult& r) {
  json tables = json::array();
  for (const Table& t : r.tables) {
    json options = json::object();
    for (const TableOption& o : t.options)
      options[U(o.key)] = U(RedactedValue(o.key, o.value));
    json columns = json::array();
    for (const Column& c : t.columns) {
      json col = {{"name", U(c.name)}, {"kind", std::string(ColumnKindName(c.kind))}};
      if (!c.type.empty()) col["type"] = U(c.type);
      if (!c.expression.empty()) col["expression"] = U(c.expression);
      if (!c.metadata_key.empty()) col["metadata_key"] = U(c.metadata_key);
      if (c.is_virtual) col["virtual"] = true;
      columns.push_back(std::move(col));
    }
    json table = {{"name", U(t.name)},
                  {"kind", std::string(TableKindName(t.kind))},
                  {"temporary", t.temporary},
                  {"connector", U(t.connector)},
                  {"options", options},
                  {"columns", columns},
                  {"primary_key", U(t.primary_key)},
                  {"partition_keys", U(t.partition_keys)},
                  {"statement", t.statement}};
    if (t.watermark) {
      table["watermark"] = {{"column", U(t.watermark->first)},
                            {"expression", U(t.watermark->second)}};
    }
    if (!t.like.empty()) table["like"] = U(t.like);
    if (t.kind == TableKind::kView) table["sources"] = U(t.sources);
    tables.push_back(std::move(table));
  }
  json edges = json::array();
  for (const LineageEdge& e : r.edges) {
    edges.push_back({{"from", U(e.from)}, {"to", U(e.to)}, {"statement", e.statement}});
  }
  return json{{"tables", tables}, {"edges", edges}};
}

std::string LineageDot(const CheckResult& r) {
  std::ostringstream out;
  out << "digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n";
  std::vector<std::string> named;
  for (const Table& t : r.tables) {
    if (t.kind == TableKind::kView) continue;
    std::string label = t.name;
    if (!t.connector.empty()) label += "\n" + t.connector;
    out << "  " << DotQuote(t.name) << " [label=" << DotQuote(label) << "];\n";
    named.push_back(t.name);
  }
  for (const LineageEdge& e : r.edges) {
    for (const std::string* n : {&e.from, &e.to}) {
      if (std::find(named.begin(), named.end(), *n) == named.end()) {
        out << "  " << DotQuote(*n) << " [style=dashed];\n";
        named.push_back(*n);
      }
    }
    out << "  " << DotQuote(e.from) << " -> " << DotQuote(e.to)
        << " [label=" << DotQuote("statement " + std::to_string(e.statement)) << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace sluice::sql
