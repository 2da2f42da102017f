#include "sql/parser.h"

#include <algorithm>

#include "common/strings.h"
#include "sql/parser_internal.h"

namespace sluice::sql {
namespace internal {

std::string UpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

Parser::Parser(const ParseInput& in, Arena& arena, bool track_expected)
    : in_(in), arena_(arena), i_(in.first), track_expected_(track_expected) {
  eof_.kind = TokenKind::kEnd;
  // An unexpected end is reported at the input's last character, as Flink does.
  uint32_t at = in.region_end > 0 ? in.region_end - 1 : 0;
  if (in.last > in.first) {
    const Token& last = (*in.tokens)[in.last - 1];
    if (at < last.begin) at = last.end > 0 ? last.end - 1 : 0;
  }
  eof_.begin = at;
  eof_.end = at + 1 <= in.script.size() ? at + 1 : at;
  // In a script, a statement ends at its ';': report an early end there.
  if (in.region_end < in.script.size() && in.script[in.region_end] == ';') {
    eof_.begin = in.region_end;
    eof_.end = in.region_end + 1;
  }
  if (in.first < in.last) prev_end_ = (*in.tokens)[in.first].begin;
}

const Token& Parser::Tok(size_t k) const {
  size_t j = i_ + k;
  return j < in_.last ? (*in_.tokens)[j] : eof_;
}

bool Parser::W(std::string_view word, size_t k) {
  const Token& t = Tok(k);
  if (t.kind == TokenKind::kWord && SameWord(Text(t), word)) return true;
  if (k == 0 && track_expected_) Expect(word);
  return false;
}

bool Parser::S(std::string_view sym, size_t k) {
  const Token& t = Tok(k);
  bool match;
  if (t.kind == TokenKind::kSymbol) {
    match = Text(t) == sym;
  } else if (t.kind == TokenKind::kHintStart) {
    match = sym == "/*+";
  } else if (t.kind == TokenKind::kHintEnd) {
    match = sym == "*/";
  } else {
    match = false;
  }
  if (!match && k == 0 && track_expected_) Expect(sym);
  return match;
}

bool Parser::IsIdent(size_t k) {
  const Token& t = Tok(k);
  bool ok = (t.kind == TokenKind::kWord && !t.reserved) || t.kind == TokenKind::kQuotedId;
  if (!ok && k == 0) Expect("<IDENTIFIER>");
  return ok;
}

void Parser::Expect(std::string_view what) {
  if (!track_expected_) return;
  if (expected_at_ != i_) {
    expected_at_ = i_;
    expected_.clear();
  }
  if (expected_.size() < 64 &&
      std::find(expected_.begin(), expected_.end(), what) == expected_.end()) {
    expected_.push_back(what);
  }
}

Node* Parser::Leaf(NodeKind kind) {
  const Token& t = Tok();
  if (t.kind == TokenKind::kEnd) Fail();
  Node* n = arena_.New(kind);
  n->begin = t.begin;
  n->end = t.end;
  n->text = Text(t);
  if (t.kind == TokenKind::kQuotedId) {
    n->quoted = true;
    if (!n->text.empty() && n->text.front() == '"') {
      warnings_.push_back(ParseIssue{"double-quoted-identifier",
                                     "Flink's SQL client quotes identifiers with back-ticks; " +
                                         std::string(n->text) + " would be rejected there",
                                     t.begin, t.end});
    }
  }
  prev_end_ = t.end;
  ++i_;
  return n;
}

Node* Parser::New(NodeKind kind) {
  Node* n = arena_.New(kind);
  n->begin = Tok().begin;
  n->end = n->begin;
  return n;
}

Node* Parser::NewAt(NodeKind kind, const Node* first_child) {
  Node* n = arena_.New(kind);
  n->begin = first_child != nullptr ? first_child->begin : Tok().begin;
  return n;
}

Node* Parser::Fin(Node* n) {
  n->end = std::max(n->begin, prev_end_);
  return n;
}

void Parser::K(Node* p, std::string_view word) {
  if (!W(word)) Fail();
  p->Append(Leaf(NodeKind::kKeyword));
}

bool Parser::AK(Node* p, std::string_view word) {
  if (!W(word)) return false;
  p->Append(Leaf(NodeKind::kKeyword));
  return true;
}

void Parser::Sy(Node* p, std::string_view sym) {
  if (!S(sym)) Fail();
  p->Append(Leaf(NodeKind::kSymbol));
}

bool Parser::ASy(Node* p, std::string_view sym) {
  if (!S(sym)) return false;
  p->Append(Leaf(NodeKind::kSymbol));
  return true;
}

std::string Parser::Describe(const Token& t) const {
  if (t.kind == TokenKind::kEnd) {
    return t.begin < in_.script.size() && in_.script[t.begin] == ';' ? ";" : "<EOF>";
  }
  std::string_view text = Text(t);
  if (text.size() > 60) return std::string(text.substr(0, 57)) + "...";
  return std::string(text);
}

void Parser::Fail() {
  const Token& t = Tok();
  Position pos = in_.lines->At(t.begin);
  std::string message;
  if (t.kind == TokenKind::kError) {
    message = "Lexical error at line " + std::to_string(pos.line) + ", column " +
              std::to_string(pos.column) + ". Encountered: \"" + Describe(t) + "\"";
  } else {
    message = "Encountered \"" + Describe(t) + "\" at line " + std::to_string(pos.line) +
              ", column " + std::to_string(pos.column) + ".";
  }
  if (expected_at_ == i_ && !expected_.empty()) {
    message += expected_.size() == 1 ? "\nWas expecting:\n" : "\nWas expecting one of:\n";
    size_t shown = 0;
    for (std::string_view e : expected_) {
      if (++shown > 12) {
        message += "    ...\n";
        break;
      }
      message += "    ";
      bool symbolic = !e.empty() && e.front() == '<';
      if (!symbolic) message += "\"";
      message += UpperAscii(e);
      if (!symbolic) message += "\"";
      message += " ...\n";
    }
    if (!message.empty() && message.back() == '\n') message.pop_back();
  }
  throw Failure{ParseIssue{"syntax", std::move(message), t.begin, t.end}};
}

void Parser::FailAt(const Token& t, std::string code, std::string message) {
  throw Failure{ParseIssue{std::move(code), std::move(message), t.begin, t.end}};
}

void Parser::FailNode(const Node* n, std::string code, std::string message) {
  throw Failure{ParseIssue{std::move(code), std::move(message), n->begin, n->end}};
}

void Parser::Requires(FlinkVersion since, std::string_view what, uint32_t begin, uint32_t end) {
  if (in_.version >= since) return;
  throw Failure{ParseIssue{"unsupported-version",
                           std::string(what) + " is not available in Flink " +
                               std::string(FlinkVersionName(in_.version)) +
                               "; it was introduced in Flink " +
                               std::string(FlinkVersionName(since)),
                           begin, end}};
}

Parser::DepthGuard::DepthGuard(Parser* p) : p_(p) {
  if (++p_->depth_ > kMaxNestingDepth) {
    const Token& t = p_->Tok();
    --p_->depth_;
    throw Failure{ParseIssue{"nesting-too-deep",
                             "the statement nests deeper than " + std::to_string(kMaxNestingDepth) +
                                 " levels (parentheses, sub-queries or operators); simplify it",
                             t.begin, t.end}};
  }
}

// --- names and literals ---

Node* Parser::Ident() {
  if (!IsIdent()) Fail();
  return Leaf(NodeKind::kIdentifier);
}

Node* Parser::SimpleName() {
  Node* n = New(NodeKind::kName);
  n->Append(Ident());
  return Fin(n);
}

Node* Parser::CompoundName() {
  Node* n = New(NodeKind::kName);
  n->Append(Ident());
  while (S(".")) {
    Sy(n, ".");
    n->Append(Ident());
  }
  return Fin(n);
}

Node* Parser::StringLit() {
  if (!IsString()) {
    Expect("<STRING>");
    Fail();
  }
  Node* first = Leaf(NodeKind::kString);
  if (!IsString()) return first;
  Node* n = NewAt(NodeKind::kExprList, first);
  n->Append(first);
  while (IsString())
    n->Append(Leaf(NodeKind::kString));
  return Fin(n);
}

Node* Parser::NameList(bool simple) {
  Node* n = New(NodeKind::kNameList);
  Sy(n, "(");
  n->Append(simple ? SimpleName() : CompoundName());
  while (ASy(n, ","))
    n->Append(simple ? SimpleName() : CompoundName());
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::PropertyList() {
  Node* n = New(NodeKind::kPropertyList);
  Sy(n, "(");
  if (!S(")")) {
    do {
      Node* p = New(NodeKind::kProperty);
      p->Append(StringLit());
      Sy(p, "=");
      p->Append(StringLit());
      n->Append(Fin(p));
    } while (ASy(n, ","));
  }
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::KeyList() {
  Node* n = New(NodeKind::kPropertyList);
  Sy(n, "(");
  if (!S(")")) {
    do {
      n->Append(StringLit());
    } while (ASy(n, ","));
  }
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::PartitionSpec(bool values_optional) {
  Node* n = New(NodeKind::kPartitionSpec);
  K(n, "PARTITION");
  Sy(n, "(");
  do {
    n->Append(SimpleName());
    if (values_optional) {
      if (ASy(n, "=")) n->Append(Expr());
    } else {
      Sy(n, "=");
      n->Append(Expr());
    }
  } while (ASy(n, ","));
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::LikePattern(Node* p) {
  AK(p, "NOT");
  if (!AK(p, "LIKE") && !AK(p, "ILIKE")) Fail();
  p->Append(StringLit());
  return p;
}

Node* Parser::CommentClause() {
  Node* n = New(NodeKind::kComment);
  K(n, "COMMENT");
  n->Append(StringLit());
  return Fin(n);
}

Node* Parser::LoneExpression() {
  Node* e = Expr();
  if (!AtEnd()) Fail();
  return e;
}

}  // namespace internal

namespace {

template <typename F>
ParsedStatement Run(const ParseInput& input, Arena& arena, F body) {
  ParsedStatement out;
  internal::Parser parser(input, arena, false);
  try {
    out.root = body(parser, &out.kind);
    out.ok = true;
    out.warnings = std::move(parser.warnings());
    return out;
  } catch (internal::Failure& f) {
    out.ok = false;
    out.root = nullptr;
    out.error = std::move(f.issue);
  }
  // Parse the failed statement again, remembering what each position expected, so the
  // message can say what would have been accepted. The parse is deterministic: it fails
  // at the same place.
  internal::Parser again(input, arena, true);
  StatementKind kind = StatementKind::kUnknown;
  try {
    body(again, &kind);
  } catch (internal::Failure& f) {
    out.error = std::move(f.issue);
  }
  out.warnings = std::move(again.warnings());
  return out;
}

}  // namespace

ParsedStatement ParseStatement(const ParseInput& input, Arena& arena) {
  return Run(input, arena,
             [](internal::Parser& p, StatementKind* kind) { return p.Statement(kind); });
}

ParsedStatement ParseExpression(const ParseInput& input, Arena& arena) {
  return Run(input, arena, [](internal::Parser& p, StatementKind* kind) {
    *kind = StatementKind::kUnknown;
    return p.LoneExpression();
  });
}

}  // namespace sluice::sql
