// A YAML or JSON document as a tree that keeps what the decoder needs and yaml-cpp /
// nlohmann do not both give: source positions, whether a scalar was quoted, and map
// entries in order with duplicates.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::spec {

struct Mark {
  int line = 0;  // 1-based; 0: unknown
  int column = 0;
  bool operator==(const Mark&) const = default;
};

struct Node {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;   // the text as written (unquoted)
  bool quoted = false;  // a quoted scalar is always a string
  std::vector<Node> items;
  // Map entries as parallel lists (a Node cannot hold Nodes by value in a nested struct).
  std::vector<std::string> keys;
  std::vector<Mark> key_marks;
  std::vector<Node> values;
  Mark mark;

  struct Entry {
    const std::string& key;
    const Mark& key_mark;
    const Node& value;
  };
  std::vector<Entry> entries() const;
  void Add(std::string key, Mark key_mark, Node value);

  bool IsMap() const { return kind == Kind::kMap; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsNull() const { return kind == Kind::kNull; }
  // The last entry with this key.
  std::optional<Entry> Find(std::string_view key) const;
};

// JSON when the text starts with '{' (after whitespace), else YAML. Errors carry
// "source:line:column".
Result<Node> ParseTree(std::string_view text, std::string_view source);

// The value as JSON, reading plain YAML scalars with YAML 1.2 core types (true, 12, 1.5,
// null); quoted scalars stay strings.
nlohmann::json ToJson(const Node& node);

}  // namespace sluice::spec
