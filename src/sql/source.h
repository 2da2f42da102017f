// Positions in a script: byte offsets to 1-based lines and columns, the way Flink's
// parser counts them (a column is a character; a tab is one column).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::sql {

struct Position {
  uint32_t offset = 0;
  uint32_t line = 1;
  uint32_t column = 1;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  Position At(uint32_t offset) const;
  // The text of a 1-based line, without its line break.
  std::string_view Line(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(starts_.size()); }

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;
  // Positions are mostly asked for in increasing order: resume counting from the last one.
  mutable Position last_;
};

}  // namespace sluice::sql
