#include "sql/ast.h"

#include <array>

#include "common/strings.h"

namespace sluice::sql {

std::string_view NodeKindName(NodeKind kind) {
  static constexpr std::array<std::string_view, 73> kNames = {"keyword",
                                                              "symbol",
                                                              "identifier",
                                                              "string",
                                                              "number",
                                                              "param",
                                                              "raw",
                                                              "statement",
                                                              "name",
                                                              "name_list",
                                                              "property_list",
                                                              "property",
                                                              "column",
                                                              "computed_column",
                                                              "metadata_column",
                                                              "column_list",
                                                              "watermark",
                                                              "constraint",
                                                              "partitioned_by",
                                                              "distribution",
                                                              "like",
                                                              "partition_spec",
                                                              "comment",
                                                              "data_type",
                                                              "insert",
                                                              "statement_set",
                                                              "option",
                                                              "query",
                                                              "with",
                                                              "with_item",
                                                              "set_op",
                                                              "select",
                                                              "select_item",
                                                              "from",
                                                              "table_ref",
                                                              "join",
                                                              "subquery",
                                                              "table_function",
                                                              "unnest",
                                                              "match_recognize",
                                                              "where",
                                                              "group_by",
                                                              "having",
                                                              "window_clause",
                                                              "qualify",
                                                              "order_by",
                                                              "order_item",
                                                              "limit",
                                                              "values",
                                                              "hints",
                                                              "alias",
                                                              "binary",
                                                              "unary",
                                                              "postfix",
                                                              "call",
                                                              "case",
                                                              "cast",
                                                              "interval",
                                                              "typed_literal",
                                                              "paren",
                                                              "constructor",
                                                              "over",
                                                              "window_spec",
                                                              "star",
                                                              "member",
                                                              "index",
                                                              "named_arg",
                                                              "expr_list",
                                                              "lambda",
                                                              "pattern",
                                                              "?",
                                                              "?",
                                                              "?"};
  size_t i = static_cast<size_t>(kind);
  return i < kNames.size() ? kNames[i] : "?";
}

void Node::Append(Node* child) {
  if (child == nullptr) return;
  if (last == nullptr) {
    first = last = child;
  } else {
    last->next = child;
    last = child;
  }
}

const Node* Node::Child(NodeKind k) const {
  for (const Node* c = first; c != nullptr; c = c->next) {
    if (c->kind == k) return c;
  }
  return nullptr;
}

bool Node::HasKeyword(std::string_view word) const {
  for (const Node* c = first; c != nullptr; c = c->next) {
    if (c->kind == NodeKind::kKeyword && EqualsIgnoreCase(c->text, word)) return true;
  }
  return false;
}

size_t Node::ChildCount() const {
  size_t n = 0;
  for (const Node* c = first; c != nullptr; c = c->next)
    ++n;
  return n;
}

Node* Arena::New(NodeKind kind) {
  nodes_.emplace_back();
  Node* n = &nodes_.back();
  n->kind = kind;
  return n;
}

std::string_view Arena::Keep(std::string s) {
  strings_.push_back(std::move(s));
  return strings_.back();
}

std::string IdentifierValue(const Node& id) {
  std::string_view t = id.text;
  if (!id.quoted || t.size() < 2) return std::string(t);
  char q = t.front();
  std::string out;
  out.reserve(t.size());
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    out.push_back(t[i]);
    if (t[i] == q && i + 2 < t.size() && t[i + 1] == q) ++i;
  }
  return out;
}

std::string NameText(const Node& name) {
  if (name.kind == NodeKind::kIdentifier) return IdentifierValue(name);
  std::string out;
  for (const Node* c = name.first; c != nullptr; c = c->next) {
    if (c->kind == NodeKind::kIdentifier) {
      if (!out.empty()) out.push_back('.');
      out += IdentifierValue(*c);
    } else if (c->kind == NodeKind::kSymbol && c->text == "*") {
      out += ".*";
    }
  }
  return out;
}

namespace {

void AppendStringPart(std::string_view t, std::string& out) {
  size_t open = t.find('\'');
  if (open == std::string_view::npos || t.size() < open + 2) return;
  for (size_t i = open + 1; i + 1 < t.size(); ++i) {
    out.push_back(t[i]);
    if (t[i] == '\'' && i + 2 < t.size() && t[i + 1] == '\'') ++i;
  }
}

bool LeafEqual(const Node& a, const Node& b) {
  switch (a.kind) {
    case NodeKind::kKeyword:
      return EqualsIgnoreCase(a.text, b.text);
    case NodeKind::kIdentifier:
      return IdentifierValue(a) == IdentifierValue(b);
    default:
      return a.text == b.text;
  }
}

}  // namespace

std::string StringValue(const Node& lit) {
  std::string out;
  if (lit.is_leaf()) {
    AppendStringPart(lit.text, out);
  } else {
    for (const Node* c = lit.first; c != nullptr; c = c->next) {
      if (c->kind == NodeKind::kString) AppendStringPart(c->text, out);
    }
  }
  return out;
}

bool SameTree(const Node* a, const Node* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->kind != b->kind) return false;
  if (a->is_leaf()) return LeafEqual(*a, *b);
  const Node* x = a->first;
  const Node* y = b->first;
  for (; x != nullptr && y != nullptr; x = x->next, y = y->next) {
    if (!SameTree(x, y)) return false;
  }
  return x == nullptr && y == nullptr;
}

}  // namespace sluice::sql
