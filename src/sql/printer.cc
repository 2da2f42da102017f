#include "sql/printer.h"

#include <string_view>

#include "common/strings.h"

namespace sluice::sql {
namespace {

bool IsSimpleIdentifier(std::string_view v) {
  if (v.empty()) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
                  static_cast<unsigned char>(c) >= 0x80;
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string BacktickQuote(std::string_view v) {
  std::string out = "`";
  for (char c : v) {
    out.push_back(c);
    if (c == '`') out.push_back('`');
  }
  out.push_back('`');
  return out;
}

bool GluesToParen(NodeKind parent) {
  return parent == NodeKind::kCall || parent == NodeKind::kCast ||
         parent == NodeKind::kConstructor || parent == NodeKind::kDataType;
}

// Keywords that start a clause on a new line in pretty output.
bool IsClause(NodeKind k) {
  return k == NodeKind::kFrom || k == NodeKind::kWhere || k == NodeKind::kGroupBy ||
         k == NodeKind::kHaving || k == NodeKind::kWindowClause || k == NodeKind::kQualify ||
         k == NodeKind::kLimit || k == NodeKind::kPartitionedBy || k == NodeKind::kDistribution ||
         k == NodeKind::kLikeClause || k == NodeKind::kComment;
}

class Printer {
 public:
  explicit Printer(const PrintOptions& o) : pretty_(o.pretty) {}

  std::string Run(const Node& n) {
    Walk(n, NodeKind::kStatement, 0);
    return std::move(out_);
  }

 private:
  void NewLine(int indent) {
    while (!out_.empty() && out_.back() == ' ')
      out_.pop_back();
    if (out_.empty()) return;
    if (out_.back() != '\n') out_.push_back('\n');
    out_.append(static_cast<size_t>(indent) * 2, ' ');
    line_start_ = true;
  }

  void Emit(std::string_view text, NodeKind parent, bool glue_before) {
    bool space = !out_.empty() && !line_start_ && !glue_before;
    if (space) {
      char prev = out_.back();
      char first = text.empty() ? ' ' : text.front();
      if (text == "," || text == ")" || text == "]" || text == "." || text == ";") space = false;
      if (prev == '(' || prev == '[' || prev == '.') space = false;
      if (text == "(" && GluesToParen(parent) && prev_was_name_) space = false;
      if (text == "[" && (parent == NodeKind::kConstructor || parent == NodeKind::kMember)) {
        space = false;
      }
      if (parent == NodeKind::kDataType && (text == "<" || text == ">")) space = false;
      if (glue_after_angle_) space = false;
      if (glue_sign_) space = first == '-' || first == '+';
    }
    if (space) out_.push_back(' ');
    out_.append(text);
    line_start_ = false;
    glue_sign_ = false;
    glue_after_angle_ = parent == NodeKind::kDataType && text == "<";
  }

  void Leaf(const Node& n, NodeKind parent, bool first_in_parent) {
    bool name_like = false;
    switch (n.kind) {
      case NodeKind::kKeyword: {
        std::string upper(n.text);
        for (char& c : upper) {
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        }
        Emit(upper, parent, false);
        name_like = true;
        break;
      }
      case NodeKind::kIdentifier: {
        if (n.quoted) {
          Emit(BacktickQuote(IdentifierValue(n)), parent, false);
        } else if (IsSimpleIdentifier(n.text)) {
          Emit(n.text, parent, false);
        } else {
          Emit(BacktickQuote(n.text), parent, false);
        }
        name_like = true;
        break;
      }
      case NodeKind::kSymbol:
        Emit(n.text, parent, false);
        if (parent == NodeKind::kUnary && first_in_parent && (n.text == "-" || n.text == "+")) {
          glue_sign_ = true;
        }
        if (n.text == ")" || n.text == "]" || n.text == ">") name_like = true;
        break;
      default:
        Emit(n.text, parent, false);
        break;
    }
    prev_was_name_ = name_like;
  }

  void Walk(const Node& n, NodeKind parent, int indent) {
    if (n.is_leaf()) {
      Leaf(n, parent, false);
      return;
    }
    int inner = indent;
    if (pretty_) {
      if (IsClause(n.kind) && !out_.empty()) NewLine(indent);
      if (n.kind == NodeKind::kOrderBy && parent == NodeKind::kQuery) NewLine(indent);
      if (n.kind == NodeKind::kSubquery || n.kind == NodeKind::kStatementSet) inner = indent + 1;
    }
    bool list = pretty_ && (n.kind == NodeKind::kColumnList || n.kind == NodeKind::kPropertyList) &&
                parent != NodeKind::kProperty && n.first != nullptr && n.first->next != nullptr &&
                n.first->next->next != nullptr;
    bool first = true;
    for (const Node* c = n.first; c != nullptr; c = c->next) {
      if (c->is_leaf()) {
        if (pretty_ && c->kind == NodeKind::kKeyword) {
          if (n.kind == NodeKind::kSetOp && IsSetOpKeyword(c->text)) NewLine(indent);
          if (n.kind == NodeKind::kJoin && IsJoinStart(*c, n)) NewLine(indent);
          if (n.kind == NodeKind::kStatementSet && EqualsIgnoreCase(c->text, "END")) {
            NewLine(indent);
          }
        }
        if (list && c->kind == NodeKind::kSymbol && c->text == ")" && c->next == nullptr) {
          NewLine(indent);
        }
        Leaf(*c, n.kind, first);
        if (list && c->kind == NodeKind::kSymbol && (c->text == "(" || c->text == ",")) {
          NewLine(indent + 1);
        }
        if (pretty_ && n.kind == NodeKind::kStatementSet && c->kind == NodeKind::kSymbol &&
            c->text == ";") {
          NewLine(indent + 1);
        }
        if (pretty_ && n.kind == NodeKind::kStatementSet && c->kind == NodeKind::kKeyword &&
            EqualsIgnoreCase(c->text, "BEGIN")) {
          NewLine(indent + 1);
        }
        if (pretty_ && n.kind == NodeKind::kSubquery && c->text == "(" && c->next != nullptr &&
            !c->next->is_leaf()) {
          NewLine(inner);
        }
        if (pretty_ && n.kind == NodeKind::kSubquery && c->text == ")" && c->next == nullptr) {
          // closing parenthesis goes back to the outer indent
        }
      } else {
        if (pretty_ &&
            (n.kind == NodeKind::kInsert || n.kind == NodeKind::kSetOp ||
             n.kind == NodeKind::kOption || n.kind == NodeKind::kQuery) &&
            IsQuery(c->kind)) {
          NewLine(indent);
        }
        if (pretty_ && n.kind == NodeKind::kSubquery && c->next != nullptr && c->next->is_leaf() &&
            c->next->text == ")") {
          Walk(*c, n.kind, inner);
          NewLine(indent);
          first = false;
          continue;
        }
        Walk(*c, n.kind, inner);
      }
      first = false;
    }
  }

  static bool IsQuery(NodeKind k) {
    return k == NodeKind::kSelect || k == NodeKind::kQuery || k == NodeKind::kSetOp ||
           k == NodeKind::kValues || k == NodeKind::kSubquery;
  }

  static bool IsSetOpKeyword(std::string_view t) {
    return EqualsIgnoreCase(t, "UNION") || EqualsIgnoreCase(t, "EXCEPT") ||
           EqualsIgnoreCase(t, "INTERSECT") || EqualsIgnoreCase(t, "MINUS");
  }

  // The first keyword of a join operator (LEFT OUTER JOIN starts at LEFT).
  static bool IsJoinStart(const Node& kw, const Node& join) {
    static constexpr std::string_view kStarts[] = {"JOIN", "INNER", "LEFT",    "RIGHT",
                                                   "FULL", "CROSS", "NATURAL", "OUTER"};
    bool start = false;
    for (std::string_view s : kStarts)
      start = start || EqualsIgnoreCase(kw.text, s);
    if (!start) return false;
    // Not a continuation: the previous sibling is not itself a join keyword.
    const Node* prev = nullptr;
    for (const Node* c = join.first; c != nullptr && c != &kw; c = c->next)
      prev = c;
    if (prev != nullptr && prev->kind == NodeKind::kKeyword) {
      for (std::string_view s : kStarts) {
        if (EqualsIgnoreCase(prev->text, s)) return false;
      }
    }
    return true;
  }

  bool pretty_;
  std::string out_;
  bool line_start_ = false;
  bool glue_sign_ = false;
  bool glue_after_angle_ = false;  // ARRAY<INT>, not ARRAY< INT>
  bool prev_was_name_ = false;
};

}  // namespace

std::string Print(const Node& node, const PrintOptions& options) {
  return Printer(options).Run(node);
}

}  // namespace sluice::sql
