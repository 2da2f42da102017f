// What CheckResult keeps alive: the script, its tokens and the syntax trees.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/analyzer.h"
#include "sql/lexer.h"

namespace sluice::sql {

// What the script-wide checks need from the statements.
struct SinkUse {
  std::string table;
  uint32_t begin = 0;  // the target's name: byte span, end exclusive
  uint32_t end = 0;
};
struct ScriptFacts {
  std::vector<SinkUse> sinks;        // INSERT targets, in order
  std::vector<std::string> defined;  // names of tables and views the statements define
  int jobs = 0;                      // statements that start a job
  bool catalog_in_use = false;       // USE, USE CATALOG, CREATE CATALOG
};

struct CheckResult::State {
  std::string script;
  Lexed lexed;
  std::unique_ptr<LineIndex> lines;
  Arena arena;
  // Byte spans of secret option values ('password' = '...'), sorted, for redaction.
  std::vector<std::pair<uint32_t, uint32_t>> secrets;
  ScriptFacts facts;
};

// The checks of a script as a whole, appended to `out`: INSERT into a table the script
// never defines (with no catalog in use), and no job at all. `span` turns a byte span
// (end exclusive) into a SourceSpan; `first_statement` is the first statement's span, or
// null for a script with no statement.
void ScriptDiagnostics(const ScriptFacts& facts, bool parsed_all, const SourceSpan* first_statement,
                       const std::function<SourceSpan(uint32_t, uint32_t)>& span,
                       std::vector<Diagnostic>& out);

// `s` with invalid UTF-8 bytes replaced by U+FFFD (JSON strings must be UTF-8).
std::string ValidUtf8(std::string_view s);

// The line with the characters of secret values inside it replaced by '*' (quotes kept),
// so carets under it still line up.
std::string MaskSecrets(const CheckResult::State& state, std::string_view line);

}  // namespace sluice::sql
