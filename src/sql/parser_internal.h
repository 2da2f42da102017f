// The parser's machinery, shared by the files that implement its grammar:
// parser.cc (tokens, errors), parser_expr.cc (expressions, types), parser_query.cc
// (queries), parser_stmt.cc (statements) and parser_ddl.cc (CREATE/ALTER/DROP).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sql/parser.h"

namespace sluice::sql::internal {

std::string UpperAscii(std::string_view s);

// `word` is an upper-case keyword; `text` a token as written.
inline bool SameWord(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    char w = word[i];
    if (w >= 'a' && w <= 'z') w = static_cast<char>(w - 32);
    if (c != w) return false;
  }
  return true;
}

// Thrown inside the parser only; ParseStatement turns it into a ParseIssue.
struct Failure {
  ParseIssue issue;
};

class Parser {
 public:
  // With track_expected, failed token tests are remembered for "Was expecting"; the
  // first parse runs without (it is faster) and only a failed one is parsed again with.
  Parser(const ParseInput& in, Arena& arena, bool track_expected);

  Node* Statement(StatementKind* kind);
  Node* LoneExpression();
  std::vector<ParseIssue>& warnings() { return warnings_; }

 private:
  // --- tokens (parser.cc) ---
  const Token& Tok(size_t k = 0) const;
  std::string_view Text(const Token& t) const {
    return in_.script.substr(t.begin, t.end - t.begin);
  }
  std::string_view Text(size_t k = 0) const { return Text(Tok(k)); }
  bool AtEnd(size_t k = 0) const { return Tok(k).kind == TokenKind::kEnd; }
  // Word / symbol tests; with k == 0 a failed test is remembered for "Was expecting".
  bool W(std::string_view word, size_t k = 0);
  bool S(std::string_view sym, size_t k = 0);
  bool IsIdent(size_t k = 0);  // a non-reserved word or a quoted identifier
  bool IsWordAny(size_t k = 0) const { return Tok(k).kind == TokenKind::kWord; }
  bool IsString(size_t k = 0) const { return Tok(k).kind == TokenKind::kString; }
  void Expect(std::string_view what);

  Node* Leaf(NodeKind kind);  // consumes the current token
  Node* New(NodeKind kind);   // starts a node at the current token
  Node* NewAt(NodeKind kind, const Node* first_child);
  Node* Fin(Node* n);                       // ends a node at the last consumed token
  void K(Node* p, std::string_view word);   // expects a keyword
  bool AK(Node* p, std::string_view word);  // accepts a keyword
  void Sy(Node* p, std::string_view sym);
  bool ASy(Node* p, std::string_view sym);

  [[noreturn]] void Fail();  // "Encountered ..." at the current token
  [[noreturn]] void FailAt(const Token& t, std::string code, std::string message);
  [[noreturn]] void FailNode(const Node* n, std::string code, std::string message);
  void Requires(FlinkVersion since, std::string_view what, uint32_t begin, uint32_t end);
  std::string Describe(const Token& t) const;

  struct DepthGuard {
    explicit DepthGuard(Parser* p);
    ~DepthGuard() { --p_->depth_; }
    Parser* p_;
  };

  // --- names and literals (parser.cc) ---
  Node* Ident();                              // identifier leaf
  Node* SimpleName();                         // kName with one part
  Node* CompoundName();                       // a.b.c
  Node* StringLit();                          // one or more adjacent string literals
  Node* NameList(bool simple = false);        // (a, b.c, ...); simple: (a, b)
  Node* PropertyList();                       // ('k' = 'v', ...)
  Node* KeyList();                            // ('k', ...)
  Node* PartitionSpec(bool values_optional);  // PARTITION (k = v, ...)
  Node* LikePattern(Node* p);                 // [NOT] LIKE|ILIKE 'x'
  Node* CommentClause();                      // COMMENT 'x'

  // --- expressions and types (parser_expr.cc) ---
  Node* Expr();
  Node* OrExpr();
  Node* AndExpr();
  Node* NotExpr();
  Node* Predicate();
  Node* Additive();
  Node* Multiplicative();
  Node* UnaryExpr();
  Node* PostfixExpr();
  Node* Primary();
  Node* ParenOrSubquery();
  Node* CallArgs(Node* call);  // ( args ) and what may follow a call
  Node* CallTail(Node* call);  // WITHIN GROUP, FILTER, OVER, NULLS
  Node* Arg();
  Node* CaseExpr();
  Node* JdbcEscape();
  Node* CastExpr();
  Node* IntervalExpr();
  Node* IntervalQualifier(Node* p);
  Node* SpecialCall();  // EXTRACT, TRIM, SUBSTRING, POSITION, ...
  Node* WindowSpec();
  Node* FrameBound(Node* p);
  Node* ExprList(Node* p);  // expr (, expr)*
  bool IsTimeUnit(size_t k = 0);
  bool IsQueryStart(size_t k = 0);
  Node* Type();
  Node* BaseType();
  Node* TypeParams(Node* p);
  Node* RowFields(Node* p, std::string_view close);

  // --- queries (parser_query.cc) ---
  Node* Query();
  Node* SetExpr();
  Node* QueryTerm();
  Node* Select();
  Node* SelectItem();
  Node* Values();
  Node* FromClause();
  Node* TableRef();
  Node* TablePrimary();
  Node* TableAlias();
  Node* MatchRecognize();
  Node* Pattern();
  Node* PatternTerm();
  bool AcceptQuestion(Node* p);
  Node* GroupItem();
  Node* OrderByClause();
  Node* OrderItem();
  Node* Hints();
  Node* Alias(bool require_as);

  // --- statements (parser_stmt.cc) ---
  Node* StatementBody(StatementKind* kind);
  Node* QueryOrDml(StatementKind* kind);
  Node* Insert();
  Node* StatementSetBody(Node* p);
  Node* Explain();
  Node* Show();
  Node* Describe(StatementKind* kind);
  Node* Use(StatementKind* kind);
  Node* SetStatement();
  Node* ResetStatement();
  Node* ExecuteStatement(StatementKind* kind);
  Node* CompilePlan(StatementKind* kind);
  Node* Simple(StatementKind* kind);  // LOAD/UNLOAD MODULE, ADD/REMOVE JAR, ...
  Node* DeleteOrUpdate(StatementKind* kind);

  // --- DDL (parser_ddl.cc) ---
  Node* Create(StatementKind* kind);
  Node* CreateTable(Node* n, bool replace, StatementKind* kind);
  Node* TableElements(Node* p, bool for_alter);
  Node* TableElement(bool for_alter);
  Node* ColumnDef(bool for_alter);
  Node* Watermark();
  Node* Constraint();
  Node* Distribution(Node* p, bool alter);
  Node* LikeClause();
  Node* CreateMaterializedTable(Node* n, bool or_alter);
  Node* Alter(StatementKind* kind);
  Node* AlterTable(Node* n, bool materialized);
  Node* AlterSchemaChange(Node* p);
  Node* Drop(StatementKind* kind);
  Node* FreshnessInterval(Node* p);

  const ParseInput& in_;
  Arena& arena_;
  size_t i_;
  Token eof_;
  uint32_t prev_end_ = 0;
  int depth_ = 0;
  bool in_explain_ = false;
  bool track_expected_;
  std::unordered_set<size_t> failed_query_at_;  // EXPLAIN reports a CREATE without AS its own way
  // Expected tokens at the furthest failure point, for "Was expecting".
  size_t expected_at_ = static_cast<size_t>(-1);
  std::vector<std::string_view> expected_;
  std::vector<ParseIssue> warnings_;
};

}  // namespace sluice::sql::internal
