// Cuts a script into statements the way Flink does: at each ';' outside quotes and
// comments, except inside `... STATEMENT SET BEGIN ...; ...; END`, and a last statement
// without ';' counts too. Offsets count from the start of the script.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sql/lexer.h"

namespace sluice::sql {

struct StatementRange {
  size_t first_token = 0;  // tokens [first_token, last_token) of the lexed script
  size_t last_token = 0;
  uint32_t begin = 0;       // byte offset of the statement's first token
  uint32_t end = 0;         // byte offset just past its last token (the ';' excluded)
  uint32_t region_end = 0;  // offset of its ';', or of the end of the script
  bool terminated = false;  // ended by ';'
};

// Splits lexed tokens; statements with no token (";;") are skipped.
std::vector<StatementRange> SplitTokens(const std::vector<Token>& tokens, std::string_view script);

struct SplitStatement {
  std::string_view text;  // without the ';', starting at the first token
  uint32_t begin = 0;
  uint32_t end = 0;
};

// The statements of a script as text, for handing to a runner one by one.
std::vector<SplitStatement> SplitStatements(std::string_view script);

}  // namespace sluice::sql
