// What CheckResult keeps alive: the script, its tokens and the syntax trees.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/analyzer.h"
#include "sql/lexer.h"

namespace sluice::sql {

struct CheckResult::State {
  std::string script;
  Lexed lexed;
  std::unique_ptr<LineIndex> lines;
  Arena arena;
  // Byte spans of secret option values ('password' = '...'), sorted, for redaction.
  std::vector<std::pair<uint32_t, uint32_t>> secrets;
};

// The line with the characters of secret values inside it replaced by '*' (quotes kept),
// so carets under it still line up.
std::string MaskSecrets(const CheckResult::State& state, std::string_view line);

}  // namespace sluice::sql
