// The recursive-descent parser for Flink SQL: one statement (or one expression) from
// a range of tokens of a lexed script. Errors carry byte spans into the script and read
// like Flink's ("Encountered "x" at line 1, column 15. Was expecting one of: ...").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/source.h"
#include "sql/statement_kind.h"
#include "sql/version.h"

namespace sluice::sql {

// Nesting deeper than this (parentheses, sub-queries, prefix operators, types) is refused.
inline constexpr int kMaxNestingDepth = 200;

struct ParseIssue {
  std::string code;  // "syntax", "unsupported-version", "nesting-too-deep", ...
  std::string message;
  uint32_t begin = 0;  // byte span in the script, end exclusive
  uint32_t end = 0;
};

struct ParsedStatement {
  Node* root = nullptr;  // set when ok
  StatementKind kind = StatementKind::kUnknown;
  bool ok = false;
  ParseIssue error;                  // when !ok
  std::vector<ParseIssue> warnings;  // accepted, but likely not what Flink's client takes
};

struct ParseInput {
  std::string_view script;
  const std::vector<Token>* tokens = nullptr;
  size_t first = 0;  // the statement's tokens: [first, last)
  size_t last = 0;
  uint32_t region_end = 0;  // where the statement's text ends (its ';' or the input's end)
  const LineIndex* lines = nullptr;
  FlinkVersion version = kNewestFlinkVersion;
};

ParsedStatement ParseStatement(const ParseInput& input, Arena& arena);
// A lone expression (Flink's parser tests check some that way).
ParsedStatement ParseExpression(const ParseInput& input, Arena& arena);

}  // namespace sluice::sql
