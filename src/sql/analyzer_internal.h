// What CheckResult keeps alive: the script, its tokens and the syntax trees.
#pragma once

#include <memory>
#include <string>

#include "sql/analyzer.h"
#include "sql/lexer.h"

namespace sluice::sql {

struct CheckResult::State {
  std::string script;
  Lexed lexed;
  std::unique_ptr<LineIndex> lines;
  Arena arena;
};

}  // namespace sluice::sql
