// The syntax tree. Every node has a kind and a byte span into the script; leaves carry
// the token text (keywords, symbols, identifiers, literals) and composite nodes their
// children in source order, so a tree holds every token of its statement and the
// printer can render it back. Nodes live in an Arena owned by whoever parsed them.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace sluice::sql {

enum class NodeKind : uint8_t {
  // Leaves.
  kKeyword,
  kSymbol,
  kIdentifier,  // one part of a name; text is the token as written
  kString,
  kNumber,
  kParam,
  kRaw,  // text kept as written (legacy SET key and value)
  // Statements and their parts.
  kStatement,  // root of one statement; see Statement::kind for what it is
  kName,       // a possibly compound name: a.b.c
  kNameList,   // (a, b, c)
  kPropertyList,
  kProperty,   // 'key' = 'value'
  kColumnDef,  // name type [constraints] | name AS expr | name type METADATA ...
  kComputedColumn,
  kMetadataColumn,
  kColumnList,  // ( column definitions and constraints )
  kWatermark,
  kConstraint,  // [CONSTRAINT n] PRIMARY KEY (...) | UNIQUE (...)
  kPartitionedBy,
  kDistribution,
  kLikeClause,
  kPartitionSpec,
  kComment,
  kDataType,
  kInsert,
  kStatementSet,
  kOption,  // a generic clause of a statement
  // Queries.
  kQuery,  // [WITH] body [ORDER BY] [LIMIT/OFFSET/FETCH]
  kWith,
  kWithItem,
  kSetOp,
  kSelect,
  kSelectItem,
  kFrom,
  kTableRef,  // a named table with optional hints, snapshot, alias
  kJoin,
  kSubquery,
  kTableFunction,
  kUnnest,
  kMatchRecognize,
  kWhere,
  kGroupBy,
  kHaving,
  kWindowClause,
  kQualify,
  kOrderBy,
  kOrderItem,
  kLimit,
  kValues,
  kHints,
  kAlias,
  // Expressions.
  kBinary,
  kUnary,
  kPostfix,
  kCall,
  kCase,
  kCast,
  kInterval,
  kTypedLiteral,
  kParen,        // ( expr ) or ( expr, expr ) row
  kConstructor,  // ARRAY[...], MAP[...], ROW(...), MULTISET[...]
  kOver,
  kWindowSpec,
  kStar,
  kMember,    // expr.field
  kIndex,     // expr[i]
  kNamedArg,  // name => expr
  kExprList,
  kLambda,
  kPattern,  // MATCH_RECOGNIZE pattern
};

std::string_view NodeKindName(NodeKind kind);

struct Node {
  NodeKind kind;
  bool quoted = false;  // kIdentifier written in quotes
  uint32_t begin = 0;   // byte span in the script, end exclusive
  uint32_t end = 0;
  std::string_view text;  // leaves: the token as written
  Node* first = nullptr;  // children in order
  Node* last = nullptr;
  Node* next = nullptr;  // next sibling

  bool is_leaf() const { return kind <= NodeKind::kRaw; }
  void Append(Node* child);
  // The first direct child of a kind, or null.
  const Node* Child(NodeKind k) const;
  // True if a direct keyword child spells `word` (case-insensitive).
  bool HasKeyword(std::string_view word) const;
  size_t ChildCount() const;
};

// Owns nodes; addresses stay valid for the arena's lifetime.
class Arena {
 public:
  Node* New(NodeKind kind);
  // Keeps a string alive for the arena's lifetime (unescaped names and the like).
  std::string_view Keep(std::string s);
  size_t size() const { return nodes_.size(); }

 private:
  std::deque<Node> nodes_;
  std::deque<std::string> strings_;
};

// An identifier's value: quotes removed, doubled quotes unescaped.
std::string IdentifierValue(const Node& identifier);
// A name's parts joined with '.', e.g. cat.db.tbl (values, not quoted).
std::string NameText(const Node& name);
// A string literal's value: quotes and prefix removed, '' unescaped, adjacent parts joined.
std::string StringValue(const Node& literal);

// Structural equality: same kinds, same leaf values (keywords compared case-insensitively,
// identifiers by value), same shape. Spans are ignored.
bool SameTree(const Node* a, const Node* b);

}  // namespace sluice::sql
