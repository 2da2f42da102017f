// The analyzer's own cases (tests/sql/cases) and its contracts: JSON shape, positions,
// SET options, redaction, version gating, limits, splitting, formatting.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sql/analyzer.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/printer.h"
#include "sql/splitter.h"
#include "support/test_env.h"

namespace sluice::sql {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sluice::testing::ReadTestFile;

fs::path CasesDir() {
  return sluice::testing::SourceDir() / "tests" / "sql" / "cases";
}

std::string DiagnosticKey(const Diagnostic& d) {
  return std::string(SeverityName(d.severity)) + " " + d.code + " " +
         std::to_string(d.span.begin.line) + ":" + std::to_string(d.span.begin.column);
}

TEST(AnalyzerCases, GrammarOk) {
  std::string script = ReadTestFile(CasesDir() / "grammar_ok.sql");
  CheckResult r = Check(script, Options{kNewestFlinkVersion, false});
  ASSERT_GT(r.statements.size(), 100u);
  for (const Statement& s : r.statements) {
    ASSERT_TRUE(s.ok) << s.text << "\n" << RenderDiagnostics(r, "grammar_ok.sql");
    for (bool pretty : {false, true}) {
      std::string printed = Print(*s.ast, PrintOptions{pretty});
      CheckResult again = Check(printed, Options{kNewestFlinkVersion, false});
      ASSERT_EQ(again.statements.size(), 1u) << printed;
      ASSERT_TRUE(again.statements[0].ok) << printed << "\n" << RenderDiagnostics(again, "-");
      EXPECT_TRUE(SameTree(s.ast, again.statements[0].ast)) << s.text << "\n" << printed;
    }
  }
}

TEST(AnalyzerCases, GrammarErrors) {
  std::string all = ReadTestFile(CasesDir() / "grammar_errors.txt");
  std::vector<std::string> cases;
  std::stringstream ss(all);
  std::string line, current;
  while (std::getline(ss, line)) {
    if (line.rfind("#", 0) == 0) continue;
    if (line.rfind("----", 0) == 0) {
      cases.push_back(current);
      current.clear();
      continue;
    }
    current += (current.empty() ? "" : "\n") + line;
  }
  if (!current.empty()) cases.push_back(current);
  ASSERT_GE(cases.size(), 10u);
  for (const std::string& raw : cases) {
    size_t b = raw.find('^');
    size_t e = raw.find('^', b + 1);
    ASSERT_NE(e, std::string::npos) << raw;
    std::string sql = raw.substr(0, b) + raw.substr(b + 1, e - b - 1) + raw.substr(e + 1);
    size_t span_begin = b, span_end = std::max(e - 1, b + 1);
    CheckResult r = Check(sql);
    ASSERT_FALSE(r.ok()) << sql;
    bool inside = false;
    for (const Diagnostic& d : r.diagnostics) {
      if (d.severity != Severity::kError) continue;
      inside = d.span.begin.offset >= span_begin && d.span.begin.offset < span_end;
      EXPECT_TRUE(inside) << sql << "\nerror at offset " << d.span.begin.offset << ": " << d.message
                          << "\nexpected in [" << span_begin << ", " << span_end << ")";
      break;
    }
  }
}

TEST(AnalyzerCases, CheckExpectations) {
  for (const auto& e : fs::directory_iterator(CasesDir() / "check")) {
    if (e.path().extension() != ".sql") continue;
    fs::path expect_path = e.path();
    expect_path.replace_extension(".expect.json");
    json expect = json::parse(ReadTestFile(expect_path));
    Options o;
    if (expect.contains("version"))
      o.version = *ParseFlinkVersion(expect["version"].get<std::string>());
    CheckResult r = Check(ReadTestFile(e.path()), o);
    SCOPED_TRACE(e.path().filename().string() + "\n" + RenderDiagnostics(r, "case"));
    EXPECT_EQ(r.ok(), expect["ok"].get<bool>());
    std::vector<std::string> kinds;
    for (const Statement& s : r.statements)
      kinds.emplace_back(StatementKindName(s.kind));
    EXPECT_EQ(kinds, expect["kinds"].get<std::vector<std::string>>());
    std::vector<std::string> diagnostics;
    for (const Diagnostic& d : r.diagnostics)
      diagnostics.push_back(DiagnosticKey(d));
    EXPECT_EQ(diagnostics, expect["diagnostics"].get<std::vector<std::string>>());
  }
}

TEST(AnalyzerCases, LineageExpectations) {
  for (const auto& e : fs::directory_iterator(CasesDir() / "lineage")) {
    if (e.path().extension() != ".sql") continue;
    fs::path expect_path = e.path();
    expect_path.replace_extension(".expect.json");
    json expect = json::parse(ReadTestFile(expect_path));
    CheckResult r = Check(ReadTestFile(e.path()));
    SCOPED_TRACE(e.path().filename().string() + "\n" + RenderDiagnostics(r, "case"));
    EXPECT_TRUE(r.ok());
    std::vector<std::string> tables;
    for (const Table& t : r.tables)
      tables.push_back(t.name);
    EXPECT_EQ(tables, expect["tables"].get<std::vector<std::string>>());
    EXPECT_EQ(r.connectors, expect["connectors"].get<std::vector<std::string>>());
    std::vector<std::tuple<std::string, std::string, size_t>> edges;
    for (const LineageEdge& x : r.edges)
      edges.emplace_back(x.from, x.to, x.statement);
    std::vector<std::tuple<std::string, std::string, size_t>> want;
    for (const json& x : expect["edges"])
      want.emplace_back(x[0], x[1], x[2]);
    EXPECT_EQ(edges, want);
    // Secrets never appear in renderings meant for people.
    std::string rendered =
        LineageJson(r).dump() + LineageDot(r) + CheckJson(r).dump() + RenderDiagnostics(r, "case");
    for (const json& secret : expect["redacted"]) {
      EXPECT_EQ(rendered.find(secret.get<std::string>()), std::string::npos) << secret;
    }
    EXPECT_NE(rendered.find("******"), std::string::npos);
  }
}

TEST(Analyzer, JsonShapeAndPositions) {
  CheckResult r = Check("SELECT 1;\n  CREATE TABLE t (\n  a INT\n);\nSELECT FROM");
  json j = CheckJson(r);
  EXPECT_FALSE(j["ok"].get<bool>());
  ASSERT_EQ(j["statements"].size(), 3u);
  const json& s1 = j["statements"][1];
  EXPECT_EQ(s1["kind"], "CREATE_TABLE");
  EXPECT_EQ(s1["line"], 2);
  EXPECT_EQ(s1["column"], 3);
  EXPECT_EQ(s1["end_line"], 4);
  EXPECT_EQ(s1["end_column"], 2);  // the ';'
  EXPECT_EQ(s1["text"], "CREATE TABLE t (\n  a INT\n)");
  EXPECT_EQ(j["statements"][2]["kind"], "SELECT");
  bool found = false;
  for (const json& d : j["diagnostics"]) {
    for (const char* key :
         {"severity", "code", "message", "line", "column", "end_line", "end_column"}) {
      EXPECT_TRUE(d.contains(key)) << key;
    }
    if (d["severity"] == "error") {
      found = true;
      EXPECT_EQ(d["code"], "syntax-error");
      EXPECT_EQ(d["line"], 5);
      EXPECT_EQ(d["column"], 8);
      EXPECT_EQ(d["end_column"], 11);
    }
  }
  EXPECT_TRUE(found);
}

TEST(Analyzer, SetOptionsAndReset) {
  CheckResult r = Check(
      "SET 'a.b' = '1';\nSET pipeline.name = my job;\nSET 'c' = 'x''y';\nRESET 'a.b';\n"
      "SET 'password' = 'p';");
  EXPECT_EQ(r.set_options.count("a.b"), 0u);
  EXPECT_EQ(r.set_options.at("pipeline.name"), "my job");
  EXPECT_EQ(r.set_options.at("c"), "x'y");
  EXPECT_EQ(r.set_options.at("password"), "p");  // the API keeps values; renderings mask
  EXPECT_EQ(CheckJson(r).dump().find("'p'"), std::string::npos);
  CheckResult cleared = Check("SET 'a' = '1'; RESET;");
  EXPECT_TRUE(cleared.set_options.empty());
}

TEST(Analyzer, VersionGating) {
  for (const auto& [sql, since] : std::vector<std::pair<std::string, std::string>>{
           {"TRUNCATE TABLE t", "1.18"},
           {"CREATE MATERIALIZED TABLE m AS SELECT 1", "1.20"},
           {"CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a) INTO 2 BUCKETS", "1.20"},
           {"CREATE CONNECTION c WITH ('type' = 'basic')", "2.3"},
           {"INSERT INTO t SELECT 1 ON CONFLICT DO NOTHING", "2.3"},
           {"DESCRIBE FUNCTION f", "2.0"}}) {
    CheckResult old = Check(sql, Options{FlinkVersion::k1_17});
    ASSERT_FALSE(old.ok()) << sql;
    EXPECT_EQ(old.diagnostics[0].code, "unsupported-version");
    EXPECT_NE(old.diagnostics[0].message.find("introduced in Flink " + since), std::string::npos)
        << old.diagnostics[0].message;
    CheckResult now = Check(sql, Options{*ParseFlinkVersion(since)});
    for (const Diagnostic& d : now.diagnostics)
      EXPECT_NE(d.code, "unsupported-version") << sql;
  }
}

TEST(Analyzer, Versions) {
  EXPECT_EQ(ParseFlinkVersion("1.17"), FlinkVersion::k1_17);
  EXPECT_EQ(ParseFlinkVersion("1.20.1"), FlinkVersion::k1_20);
  EXPECT_EQ(ParseFlinkVersion("2.4-SNAPSHOT"), FlinkVersion::k2_4);
  EXPECT_EQ(ParseFlinkVersion("v2.0"), FlinkVersion::k2_0);
  EXPECT_FALSE(ParseFlinkVersion("1.16"));
  EXPECT_FALSE(ParseFlinkVersion("2"));
  EXPECT_FALSE(ParseFlinkVersion("1.170"));
  for (int v = 0; v <= static_cast<int>(kNewestFlinkVersion); ++v) {
    auto version = static_cast<FlinkVersion>(v);
    EXPECT_EQ(ParseFlinkVersion(FlinkVersionName(version)), version);
  }
}

TEST(Analyzer, DeepNestingIsRefused) {
  for (std::string_view open : {"(", "- ", "NOT ", "CAST(", "ARRAY["}) {
    std::string sql = "SELECT ";
    for (int i = 0; i < 100000; ++i)
      sql += open;
    sql += "1";
    CheckResult r = Check(sql);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics[0].code, "nesting-too-deep") << open;
  }
  std::string type = "CREATE TABLE t (a ";
  for (int i = 0; i < 10000; ++i)
    type += "ARRAY<";
  CheckResult r = Check(type);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics[0].code, "nesting-too-deep");
  // Long flat chains are fine.
  std::string chain = "SELECT 1";
  for (int i = 0; i < 20000; ++i)
    chain += " + 1";
  EXPECT_TRUE(Check(chain, Options{kNewestFlinkVersion, false}).ok());
}

TEST(Analyzer, HugeScriptIsRefused) {
  std::string big(kMaxScriptBytes + 1, ' ');
  CheckResult r = Check(big);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "script-too-large");
  EXPECT_NE(r.diagnostics[0].message.find("8 MiB"), std::string::npos);
  EXPECT_TRUE(r.statements.empty());
}

TEST(Analyzer, LexicalErrors) {
  CheckResult r = Check("SELECT 'abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics[0].span.begin.column, 8);
  EXPECT_NE(r.diagnostics[0].message.find("Lexical error"), std::string::npos);
  CheckResult c = Check("SELECT 1 /* never closed");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.diagnostics[0].span.begin.column, 10);
  // Invalid UTF-8 never breaks the JSON.
  CheckResult bad = Check("SELECT '\xff\xfe' FROM \xc3");
  EXPECT_NO_THROW(CheckJson(bad).dump());
}

TEST(Splitter, StatementsAndSets) {
  std::string script =
      "SET 'a' = ';';  -- ; in a comment\n"
      "/* ; */ EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT ';'; INSERT INTO b SELECT 1; END;"
      "\n;;\nSELECT `x;y` FROM t";
  std::vector<SplitStatement> parts = SplitStatements(script);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].text, "SET 'a' = ';'");
  EXPECT_EQ(parts[1].text.substr(0, 21), "EXECUTE STATEMENT SET");
  EXPECT_EQ(parts[1].text.substr(parts[1].text.size() - 3), "END");
  EXPECT_EQ(parts[2].text, "SELECT `x;y` FROM t");
  EXPECT_EQ(script.substr(parts[2].begin, parts[2].end - parts[2].begin), parts[2].text);
}

TEST(Printer, FormatIsStableAndKeepsMeaning) {
  std::string script = ReadTestFile(CasesDir() / "grammar_ok.sql");
  Result<std::string> once = Format(script);
  ASSERT_TRUE(once.ok()) << once.error().ToString();
  Result<std::string> twice = Format(once.value());
  ASSERT_TRUE(twice.ok()) << twice.error().ToString();
  EXPECT_EQ(once.value(), twice.value());
  EXPECT_NE(once.value().find("\nFROM t"), std::string::npos);
  EXPECT_FALSE(Format("SELECT FROM").ok());
}

TEST(Render, SecretsAreMaskedEverywhere) {
  CheckResult r = Check(
      "CREATE TABLE t (a INT) WITH ('connector' = 'jdbc', 'password' = 'hunter2', oops);\n"
      "SET 'my.token' = 'tok3n';\nSET sasl.jaas.config = jaas-secret;\n");
  std::string text = RenderDiagnostics(r, "x.sql") + CheckJson(r).dump();
  for (const char* secret : {"hunter2", "tok3n", "jaas-secret"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << "\n" << text;
  }
  EXPECT_NE(text.find("'password' = '*******'"), std::string::npos) << text;
}

TEST(Render, CompilerStyleText) {
  CheckResult r = Check("SELECT 1;\nSELECT a b c FROM t;");
  std::string text = RenderDiagnostics(r, "job.sql");
  EXPECT_NE(text.find("job.sql:2:12: error: Encountered \"c\" at line 2, column 12."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  SELECT a b c FROM t;\n             ^\n"), std::string::npos) << text;
  EXPECT_NE(text.find("1 error, 1 warning"), std::string::npos) << text;
}

}  // namespace
}  // namespace sluice::sql
