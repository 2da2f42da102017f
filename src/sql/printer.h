// Renders a syntax tree back to SQL that Flink parses to the same tree.
#pragma once

#include <string>

#include "sql/ast.h"

namespace sluice::sql {

struct PrintOptions {
  // One clause a line, one column or option a line, two-space indents; otherwise one line.
  bool pretty = false;
};

std::string Print(const Node& node, const PrintOptions& options = {});

}  // namespace sluice::sql
