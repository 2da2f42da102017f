// Expressions and data types.
#include <string_view>

#include "common/strings.h"
#include "sql/parser_internal.h"

namespace sluice::sql::internal {
namespace {

bool OneOf(std::string_view word, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (SameWord(word, w)) return true;
  }
  return false;
}

// Reserved words that never name a function, even when a '(' follows.
bool IsStructuralWord(std::string_view w) {
  return OneOf(w, {"SELECT",     "FROM",    "WHERE",    "GROUP",
                   "HAVING",     "ORDER",   "BY",       "AND",
                   "OR",         "NOT",     "IN",       "ON",
                   "AS",         "JOIN",    "UNION",    "EXCEPT",
                   "INTERSECT",  "MINUS",   "WHEN",     "THEN",
                   "ELSE",       "END",     "WITH",     "LIMIT",
                   "OFFSET",     "FETCH",   "INTO",     "SET",
                   "TABLE",      "LATERAL", "UNNEST",   "VALUES",
                   "IS",         "BETWEEN", "LIKE",     "ILIKE",
                   "RLIKE",      "SIMILAR", "ESCAPE",   "CREATE",
                   "DROP",       "ALTER",   "INSERT",   "UPDATE",
                   "DELETE",     "ALL",     "DISTINCT", "OVER",
                   "PARTITION",  "WINDOW",  "QUALIFY",  "USING",
                   "NATURAL",    "INNER",   "CROSS",    "FULL",
                   "OUTER",      "CASE",    "FOR",      "DEFINE",
                   "MEASURES",   "PATTERN", "EXPLAIN",  "SHOW",
                   "DESCRIBE",   "USE",     "RESET",    "MATCH_RECOGNIZE",
                   "TABLESAMPLE"});
}

bool IsNiladic(std::string_view w) {
  return OneOf(w,
               {"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
                "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "USER", "CURRENT_CATALOG",
                "CURRENT_SCHEMA", "CURRENT_ROLE", "CURRENT_PATH", "CURRENT_ROW"});
}

bool IsJsonFunction(std::string_view w) {
  return OneOf(w, {"JSON_VALUE", "JSON_QUERY", "JSON_EXISTS", "JSON_OBJECT", "JSON_ARRAY",
                   "JSON_OBJECTAGG", "JSON_ARRAYAGG"});
}

}  // namespace

bool Parser::IsTimeUnit(size_t k) {
  if (!IsWordAny(k)) return false;
  std::string_view w = Text(k);
  if (w.size() > 8 && SameWord(w.substr(0, 8), "SQL_TSI_")) return true;
  return OneOf(
      w, {"YEAR",        "YEARS",        "QUARTER",    "QUARTERS",    "MONTH",       "MONTHS",
          "WEEK",        "WEEKS",        "DAY",        "DAYS",        "HOUR",        "HOURS",
          "MINUTE",      "MINUTES",      "SECOND",     "SECONDS",     "MILLISECOND", "MILLISECONDS",
          "MICROSECOND", "MICROSECONDS", "NANOSECOND", "NANOSECONDS", "DOW",         "DOY",
          "ISODOW",      "ISOYEAR",      "EPOCH",      "DECADE",      "CENTURY",     "MILLENNIUM",
          "FRAC_SECOND"});
}

bool Parser::IsQueryStart(size_t k) {
  for (size_t j = k; j < k + 64; ++j) {
    const Token& t = Tok(j);
    if (t.kind == TokenKind::kSymbol && Text(t) == "(") continue;
    if (t.kind != TokenKind::kWord) return false;
    std::string_view w = Text(t);
    return SameWord(w, "SELECT") || SameWord(w, "WITH") || SameWord(w, "VALUES");
  }
  return false;
}

Node* Parser::Expr() {
  DepthGuard guard(this);
  return OrExpr();
}

Node* Parser::OrExpr() {
  Node* left = AndExpr();
  if (!W("OR")) return left;
  Node* n = NewAt(NodeKind::kBinary, left);
  n->Append(left);
  while (AK(n, "OR"))
    n->Append(AndExpr());
  return Fin(n);
}

Node* Parser::AndExpr() {
  Node* left = NotExpr();
  if (!W("AND")) return left;
  Node* n = NewAt(NodeKind::kBinary, left);
  n->Append(left);
  while (AK(n, "AND"))
    n->Append(NotExpr());
  return Fin(n);
}

Node* Parser::NotExpr() {
  if (!W("NOT")) return Predicate();
  DepthGuard guard(this);
  Node* n = New(NodeKind::kUnary);
  K(n, "NOT");
  n->Append(NotExpr());
  return Fin(n);
}

Node* Parser::Predicate() {
  Node* left = Additive();
  Node* n = nullptr;
  auto node = [&]() {
    if (n == nullptr) {
      n = NewAt(NodeKind::kBinary, left);
      n->Append(left);
    }
    return n;
  };
  while (true) {
    // Most operands end at a comma, a parenthesis or a clause keyword: leave early.
    const Token& t = Tok();
    if (t.kind == TokenKind::kSymbol) {
      std::string_view sym = Text(t);
      if (sym != "=" && sym != "<>" && sym != "!=" && sym != "<" && sym != ">" && sym != "<=" &&
          sym != ">=" && sym != "<=>") {
        if (track_expected_) {
          for (std::string_view e :
               {"=", "<>", "<", ">", "<=", ">=", "IS", "IN", "LIKE", "BETWEEN", "NOT"}) {
            Expect(e);
          }
        }
        break;
      }
    } else if (t.kind != TokenKind::kWord) {
      if (track_expected_) {
        for (std::string_view e : {"=", "<>", "<", ">", "IS", "IN", "LIKE", "BETWEEN", "NOT"}) {
          Expect(e);
        }
      }
      break;
    }
    if (W("IS")) {
      Node* p = node();
      K(p, "IS");
      AK(p, "NOT");
      if (AK(p, "DISTINCT")) {
        K(p, "FROM");
        p->Append(Additive());
      } else if (AK(p, "JSON")) {
        if (!AK(p, "VALUE") && !AK(p, "OBJECT") && !AK(p, "ARRAY")) AK(p, "SCALAR");
      } else if (AK(p, "A")) {
        K(p, "SET");
      } else if (!AK(p, "NULL") && !AK(p, "TRUE") && !AK(p, "FALSE") && !AK(p, "UNKNOWN") &&
                 !AK(p, "EMPTY")) {
        Fail();
      }
      continue;
    }
    size_t k = W("NOT") ? 1 : 0;
    if (W("BETWEEN", k)) {
      Node* p = node();
      if (k) K(p, "NOT");
      K(p, "BETWEEN");
      if (!AK(p, "SYMMETRIC")) AK(p, "ASYMMETRIC");
      p->Append(Additive());
      K(p, "AND");
      p->Append(Additive());
      continue;
    }
    if (W("LIKE", k) || W("ILIKE", k) || W("RLIKE", k) || W("SIMILAR", k)) {
      Node* p = node();
      if (k) K(p, "NOT");
      if (AK(p, "SIMILAR")) {
        K(p, "TO");
      } else if (!AK(p, "LIKE") && !AK(p, "ILIKE")) {
        K(p, "RLIKE");
      }
      p->Append(Additive());
      if (AK(p, "ESCAPE")) p->Append(Additive());
      continue;
    }
    if (W("IN", k)) {
      Node* p = node();
      if (k) K(p, "NOT");
      K(p, "IN");
      p->Append(ParenOrSubquery());
      continue;
    }
    if (k == 1 && W("SUBMULTISET", 1)) {
      Node* p = node();
      K(p, "NOT");
      K(p, "SUBMULTISET");
      K(p, "OF");
      p->Append(Additive());
      continue;
    }
    if (S("=") || S("<>") || S("!=") || S("<") || S(">") || S("<=") || S(">=") || S("<=>")) {
      Node* p = node();
      p->Append(Leaf(NodeKind::kSymbol));
      if ((W("ANY") || W("SOME") || W("ALL")) && S("(", 1)) {
        p->Append(Leaf(NodeKind::kKeyword));
        p->Append(ParenOrSubquery());
      } else {
        p->Append(Additive());
      }
      continue;
    }
    if (W("MEMBER") || W("SUBMULTISET")) {
      Node* p = node();
      p->Append(Leaf(NodeKind::kKeyword));
      K(p, "OF");
      p->Append(Additive());
      continue;
    }
    if (W("CONTAINS") || W("OVERLAPS") || W("EQUALS") || W("PRECEDES") || W("SUCCEEDS")) {
      Node* p = node();
      p->Append(Leaf(NodeKind::kKeyword));
      p->Append(Additive());
      continue;
    }
    if (W("IMMEDIATELY") && (W("PRECEDES", 1) || W("SUCCEEDS", 1))) {
      Node* p = node();
      K(p, "IMMEDIATELY");
      p->Append(Leaf(NodeKind::kKeyword));
      p->Append(Additive());
      continue;
    }
    if (W("MULTISET") && (W("UNION", 1) || W("EXCEPT", 1) || W("INTERSECT", 1))) {
      Node* p = node();
      K(p, "MULTISET");
      p->Append(Leaf(NodeKind::kKeyword));
      if (!AK(p, "ALL")) AK(p, "DISTINCT");
      p->Append(Additive());
      continue;
    }
    if (W("FORMAT") && W("JSON", 1)) {
      Node* p = node();
      K(p, "FORMAT");
      K(p, "JSON");
      continue;
    }
    break;
  }
  return n == nullptr ? left : Fin(n);
}

Node* Parser::Additive() {
  Node* left = Multiplicative();
  if (!(S("+") || S("-") || S("||"))) return left;
  Node* n = NewAt(NodeKind::kBinary, left);
  n->Append(left);
  while (S("+") || S("-") || S("||")) {
    n->Append(Leaf(NodeKind::kSymbol));
    n->Append(Multiplicative());
  }
  return Fin(n);
}

Node* Parser::Multiplicative() {
  Node* left = UnaryExpr();
  if (!(S("*") || S("/") || S("%"))) return left;
  Node* n = NewAt(NodeKind::kBinary, left);
  n->Append(left);
  while (S("*") || S("/") || S("%")) {
    n->Append(Leaf(NodeKind::kSymbol));
    n->Append(UnaryExpr());
  }
  return Fin(n);
}

Node* Parser::UnaryExpr() {
  if (!(S("+") || S("-"))) return PostfixExpr();
  DepthGuard guard(this);
  Node* n = New(NodeKind::kUnary);
  n->Append(Leaf(NodeKind::kSymbol));
  n->Append(UnaryExpr());
  return Fin(n);
}

Node* Parser::PostfixExpr() {
  Node* base = Primary();
  if (!(S("[") || S("."))) return base;
  Node* n = NewAt(NodeKind::kMember, base);
  n->Append(base);
  while (true) {
    if (ASy(n, "[")) {
      n->Append(Expr());
      Sy(n, "]");
    } else if (ASy(n, ".")) {
      if (S("*")) {
        n->Append(Leaf(NodeKind::kSymbol));
      } else {
        n->Append(Ident());
      }
    } else {
      break;
    }
  }
  return Fin(n);
}

Node* Parser::ParenOrSubquery() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kParen);
  Sy(n, "(");
  bool ambiguous = IsQueryStart() && S("(");
  if (ambiguous && !failed_query_at_.count(i_)) {
    // "((SELECT 1) UNION ...)" is a query, "((SELECT 1) + 2)" an expression: try the
    // query first and fall back. A position that failed once is not tried again, so
    // nested attempts stay linear.
    size_t mark = i_;
    uint32_t prev_end = prev_end_;
    try {
      Node* q = Query();
      if (!S(")")) Fail();
      n->kind = NodeKind::kSubquery;
      n->Append(q);
    } catch (Failure&) {
      failed_query_at_.insert(mark);
      i_ = mark;
      prev_end_ = prev_end;
      n->Append(Expr());
      while (ASy(n, ","))
        n->Append(Expr());
    }
  } else if (IsQueryStart() && !ambiguous) {
    n->kind = NodeKind::kSubquery;
    n->Append(Query());
  } else {
    n->Append(Expr());
    while (ASy(n, ","))
      n->Append(Expr());
  }
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::ExprList(Node* p) {
  p->Append(Expr());
  while (ASy(p, ","))
    p->Append(Expr());
  return p;
}

Node* Parser::Primary() {
  const Token& t = Tok();
  switch (t.kind) {
    case TokenKind::kNumber:
      return Leaf(NodeKind::kNumber);
    case TokenKind::kString: {
      Node* s = StringLit();
      if (W("UESCAPE")) {
        Node* n = NewAt(NodeKind::kTypedLiteral, s);
        n->Append(s);
        K(n, "UESCAPE");
        n->Append(StringLit());
        return Fin(n);
      }
      return s;
    }
    case TokenKind::kBinaryString: {
      Node* first = Leaf(NodeKind::kString);
      if (Tok().kind != TokenKind::kBinaryString) return first;
      Node* n = NewAt(NodeKind::kExprList, first);
      n->Append(first);
      while (Tok().kind == TokenKind::kBinaryString)
        n->Append(Leaf(NodeKind::kString));
      return Fin(n);
    }
    case TokenKind::kParam:
      return Leaf(NodeKind::kParam);
    case TokenKind::kSymbol:
      if (S("(")) return ParenOrSubquery();
      if (S("{")) return JdbcEscape();
      Expect("<EXPRESSION>");
      Fail();
    case TokenKind::kQuotedId:
      break;
    case TokenKind::kWord:
      break;
    default:
      Expect("<EXPRESSION>");
      Fail();
  }
  if (t.kind == TokenKind::kWord) {
    std::string_view w = Text(t);
    bool paren = S("(", 1);
    if (SameWord(w, "CASE")) return CaseExpr();
    if ((SameWord(w, "CAST") || SameWord(w, "TRY_CAST")) && paren) {
      return CastExpr();
    }
    if (SameWord(w, "INTERVAL")) return IntervalExpr();
    if ((SameWord(w, "EXISTS") || SameWord(w, "UNIQUE")) && paren) {
      Node* n = New(NodeKind::kUnary);
      n->Append(Leaf(NodeKind::kKeyword));
      n->Append(ParenOrSubquery());
      return Fin(n);
    }
    if (OneOf(w, {"TRUE", "FALSE", "NULL", "UNKNOWN", "DEFAULT"})) {
      return Leaf(NodeKind::kKeyword);
    }
    if ((OneOf(w, {"DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"})) &&
        (IsString(1) || (SameWord(w, "TIMESTAMP") && W("WITH", 1)))) {
      Node* n = New(NodeKind::kTypedLiteral);
      n->Append(Leaf(NodeKind::kKeyword));
      if (AK(n, "WITH")) {
        AK(n, "LOCAL");
        K(n, "TIME");
        K(n, "ZONE");
      }
      n->Append(StringLit());
      return Fin(n);
    }
    if (OneOf(w, {"ARRAY", "MULTISET", "MAP"}) && S("[", 1)) {
      Node* n = New(NodeKind::kConstructor);
      n->Append(Leaf(NodeKind::kKeyword));
      Sy(n, "[");
      if (!S("]")) ExprList(n);
      Sy(n, "]");
      return Fin(n);
    }
    if (OneOf(w, {"ARRAY", "MULTISET", "MAP"}) && paren && IsQueryStart(2)) {
      Node* n = New(NodeKind::kConstructor);
      n->Append(Leaf(NodeKind::kKeyword));
      n->Append(ParenOrSubquery());
      return Fin(n);
    }
    if (SameWord(w, "ROW") && paren) {
      Node* n = New(NodeKind::kConstructor);
      K(n, "ROW");
      Sy(n, "(");
      if (!S(")")) ExprList(n);
      Sy(n, ")");
      return Fin(n);
    }
    if (SameWord(w, "CURSOR") && paren) {
      Node* n = New(NodeKind::kUnary);
      K(n, "CURSOR");
      n->Append(ParenOrSubquery());
      return Fin(n);
    }
    if ((SameWord(w, "FINAL") || SameWord(w, "RUNNING")) && IsWordAny(1) && S("(", 2)) {
      Node* n = New(NodeKind::kUnary);
      n->Append(Leaf(NodeKind::kKeyword));
      n->Append(PostfixExpr());
      return Fin(n);
    }
    if (paren && OneOf(w, {"EXTRACT", "TRIM", "SUBSTRING", "POSITION", "OVERLAY", "FLOOR", "CEIL",
                           "CEILING", "CONVERT", "TRANSLATE"})) {
      return SpecialCall();
    }
    if (paren && IsJsonFunction(w)) return SpecialCall();
    if (IsNiladic(w) && !paren) return Leaf(NodeKind::kKeyword);
    if (t.reserved) {
      if (!paren || IsStructuralWord(w)) {
        Expect("<EXPRESSION>");
        Fail();
      }
      // A reserved word naming a built-in function: LEFT(...), YEAR(...), COUNT(...).
      Node* call = New(NodeKind::kCall);
      call->Append(Leaf(NodeKind::kKeyword));
      CallArgs(call);
      return CallTail(call);
    }
  }
  // A name: a, t.a, cat.db.f, t.*; followed by '(' it names a function.
  Node* name = New(NodeKind::kName);
  name->Append(Ident());
  while (S(".") && (IsIdent(1) || S("*", 1))) {
    Sy(name, ".");
    if (S("*")) {
      name->Append(Leaf(NodeKind::kSymbol));
      break;
    }
    name->Append(Ident());
  }
  Fin(name);
  if (!S("(")) return name;
  Node* call = NewAt(NodeKind::kCall, name);
  call->Append(name);
  CallArgs(call);
  return CallTail(call);
}

Node* Parser::Arg() {
  if ((IsIdent() || IsWordAny()) && S("=>", 1)) {
    // Parameter names may be reserved words: TUMBLE(..., OFFSET => INTERVAL '1' MINUTE).
    Node* n = New(NodeKind::kNamedArg);
    n->Append(Leaf(NodeKind::kIdentifier));
    Sy(n, "=>");
    n->Append(Arg());
    return Fin(n);
  }
  if (W("TABLE") && !S("(", 1)) {
    Node* n = New(NodeKind::kTableRef);
    K(n, "TABLE");
    n->Append(CompoundName());
    // PARTITION BY key | (k1, k2); ORDER BY item | (item, item)
    if (W("PARTITION") && W("BY", 1)) {
      Node* p = New(NodeKind::kOption);
      K(p, "PARTITION");
      K(p, "BY");
      p->Append(Expr());
      n->Append(Fin(p));
    }
    if (W("ORDER") && W("BY", 1)) {
      Node* o = New(NodeKind::kOrderBy);
      K(o, "ORDER");
      K(o, "BY");
      if (ASy(o, "(")) {
        o->Append(OrderItem());
        while (ASy(o, ","))
          o->Append(OrderItem());
        Sy(o, ")");
      } else {
        o->Append(OrderItem());
      }
      n->Append(Fin(o));
    }
    return Fin(n);
  }
  if (W("MODEL") && IsIdent(1)) {
    Node* n = New(NodeKind::kOption);
    K(n, "MODEL");
    n->Append(CompoundName());
    return Fin(n);
  }
  if (IsTimeUnit() && (S(",", 1) || S(")", 1))) return Leaf(NodeKind::kKeyword);
  if (W("SELECT") || W("WITH") || W("VALUES")) return Query();
  return Expr();
}

Node* Parser::CallArgs(Node* call) {
  DepthGuard guard(this);
  Sy(call, "(");
  if (ASy(call, ")")) return call;
  if (S("*") && S(")", 1)) {
    call->Append(Leaf(NodeKind::kSymbol));
    Sy(call, ")");
    return call;
  }
  if (!AK(call, "DISTINCT")) AK(call, "ALL");
  call->Append(Arg());
  while (ASy(call, ","))
    call->Append(Arg());
  if (W("ORDER")) call->Append(OrderByClause());
  if ((W("IGNORE") || W("RESPECT")) && W("NULLS", 1)) {
    call->Append(Leaf(NodeKind::kKeyword));
    K(call, "NULLS");
  }
  Sy(call, ")");
  return call;
}

Node* Parser::CallTail(Node* call) {
  if ((W("IGNORE") || W("RESPECT")) && W("NULLS", 1)) {
    call->Append(Leaf(NodeKind::kKeyword));
    K(call, "NULLS");
  }
  if (W("WITHIN") && (W("GROUP", 1) || W("DISTINCT", 1))) {
    K(call, "WITHIN");
    if (AK(call, "GROUP")) {
      Sy(call, "(");
      call->Append(OrderByClause());
      Sy(call, ")");
    } else {
      K(call, "DISTINCT");
      Sy(call, "(");
      ExprList(call);
      Sy(call, ")");
    }
  }
  if (W("FILTER") && S("(", 1)) {
    K(call, "FILTER");
    Sy(call, "(");
    K(call, "WHERE");
    call->Append(Expr());
    Sy(call, ")");
  }
  if (W("OVER")) {
    Node* over = New(NodeKind::kOver);
    K(over, "OVER");
    if (S("(")) {
      over->Append(WindowSpec());
    } else {
      over->Append(SimpleName());
    }
    call->Append(Fin(over));
  }
  return Fin(call);
}

Node* Parser::WindowSpec() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kWindowSpec);
  Sy(n, "(");
  if (IsIdent()) n->Append(SimpleName());
  if (AK(n, "PARTITION")) {
    K(n, "BY");
    ExprList(n);
  }
  if (W("ORDER")) n->Append(OrderByClause());
  if (AK(n, "ROWS") || AK(n, "RANGE")) {
    if (AK(n, "BETWEEN")) {
      FrameBound(n);
      K(n, "AND");
      FrameBound(n);
    } else {
      FrameBound(n);
    }
    if (AK(n, "EXCLUDE")) {
      if (AK(n, "CURRENT")) {
        K(n, "ROW");
      } else if (AK(n, "NO")) {
        K(n, "OTHERS");
      } else if (!AK(n, "GROUP")) {
        K(n, "TIES");
      }
    }
  }
  if (AK(n, "ALLOW") || AK(n, "DISALLOW")) K(n, "PARTIAL");
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::FrameBound(Node* p) {
  if (AK(p, "UNBOUNDED")) {
    if (!AK(p, "PRECEDING")) K(p, "FOLLOWING");
  } else if (W("CURRENT") && W("ROW", 1)) {
    K(p, "CURRENT");
    K(p, "ROW");
  } else {
    p->Append(Additive());
    if (!AK(p, "PRECEDING")) K(p, "FOLLOWING");
  }
  return p;
}

Node* Parser::CaseExpr() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kCase);
  K(n, "CASE");
  if (!W("WHEN")) n->Append(Expr());
  if (!W("WHEN")) Fail();
  while (AK(n, "WHEN")) {
    ExprList(n);
    K(n, "THEN");
    n->Append(Expr());
  }
  if (AK(n, "ELSE")) n->Append(Expr());
  K(n, "END");
  return Fin(n);
}

Node* Parser::CastExpr() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kCast);
  n->Append(Leaf(NodeKind::kKeyword));
  Sy(n, "(");
  n->Append(Expr());
  K(n, "AS");
  n->Append(Type());
  if (AK(n, "FORMAT")) n->Append(StringLit());
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::IntervalQualifier(Node* p) {
  if (!IsTimeUnit()) {
    Expect("<TIME UNIT>");
    Fail();
  }
  p->Append(Leaf(NodeKind::kKeyword));
  if (S("(")) TypeParams(p);
  if (AK(p, "TO")) {
    if (!IsTimeUnit()) {
      Expect("<TIME UNIT>");
      Fail();
    }
    p->Append(Leaf(NodeKind::kKeyword));
    if (S("(")) TypeParams(p);
  }
  return p;
}

Node* Parser::IntervalExpr() {
  Node* n = New(NodeKind::kInterval);
  K(n, "INTERVAL");
  if (S("+") || S("-")) n->Append(Leaf(NodeKind::kSymbol));
  if (IsString()) {
    n->Append(StringLit());
  } else if (Tok().kind == TokenKind::kNumber) {
    n->Append(Leaf(NodeKind::kNumber));
  } else if (S("(")) {
    n->Append(ParenOrSubquery());
  } else if (IsIdent()) {
    n->Append(CompoundName());
  } else {
    Fail();
  }
  IntervalQualifier(n);
  return Fin(n);
}

Node* Parser::SpecialCall() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kCall);
  std::string_view w = Text();
  n->Append(Leaf(NodeKind::kKeyword));
  Sy(n, "(");
  if (SameWord(w, "EXTRACT")) {
    if (!IsTimeUnit()) Fail();
    n->Append(Leaf(NodeKind::kKeyword));
    K(n, "FROM");
    n->Append(Expr());
  } else if (SameWord(w, "TRIM")) {
    bool spec = AK(n, "BOTH") || AK(n, "LEADING") || AK(n, "TRAILING");
    if (AK(n, "FROM")) {
      n->Append(Expr());
    } else if (!S(")")) {
      n->Append(Expr());
      if (AK(n, "FROM")) {
        n->Append(Expr());
      } else if (ASy(n, ",")) {
        ExprList(n);
      } else if (spec) {
        Fail();
      }
    }
  } else if (IsJsonFunction(w)) {
    // Arguments with JSON clauses: KEY k VALUE v, RETURNING type, NULL ON NULL, ...
    while (!S(")")) {
      if (AK(n, "KEY") || AK(n, "VALUE") || ASy(n, ":") || AK(n, "ABSENT") || AK(n, "WRAPPER") ||
          AK(n, "CONDITIONAL") || AK(n, "UNCONDITIONAL") || AK(n, "WITHOUT") || AK(n, "PASSING") ||
          AK(n, "ERROR") || ASy(n, ",")) {
        continue;
      }
      if (AK(n, "RETURNING")) {
        n->Append(Type());
        continue;
      }
      if (AK(n, "DEFAULT")) {
        n->Append(Expr());
        continue;
      }
      if (W("ON") || W("WITH") || W("EMPTY") || W("ARRAY") || W("OBJECT") ||
          (W("ORDER") && W("BY", 1))) {
        if (W("ORDER")) {
          n->Append(OrderByClause());
        } else {
          n->Append(Leaf(NodeKind::kKeyword));
        }
        continue;
      }
      if ((W("NULL") || W("TRUE") || W("FALSE") || W("UNKNOWN")) && W("ON", 1)) {
        n->Append(Leaf(NodeKind::kKeyword));
        continue;
      }
      if (W("FORMAT") && W("JSON", 1)) {
        K(n, "FORMAT");
        K(n, "JSON");
        continue;
      }
      n->Append(Expr());
    }
  } else {
    // SUBSTRING(x FROM a FOR b), POSITION(a IN b), OVERLAY(x PLACING y FROM a FOR b),
    // FLOOR(x TO unit), CONVERT(x USING c), or their comma forms.
    n->Append(SameWord(w, "POSITION") ? Additive() : Expr());
    while (true) {
      if (ASy(n, ",") || AK(n, "FROM") || AK(n, "FOR") || AK(n, "IN") || AK(n, "PLACING")) {
        n->Append(Expr());
      } else if (AK(n, "TO")) {
        if (!IsTimeUnit()) Fail();
        n->Append(Leaf(NodeKind::kKeyword));
      } else if (AK(n, "USING")) {
        n->Append(CompoundName());
      } else {
        break;
      }
    }
  }
  Sy(n, ")");
  return CallTail(n);
}

// {fn name(args)} and {d '...'}, {t '...'}, {ts '...'}: JDBC escapes.
Node* Parser::JdbcEscape() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kConstructor);
  Sy(n, "{");
  if (W("FN")) {
    n->Append(Leaf(NodeKind::kIdentifier));
    Node* call = New(NodeKind::kCall);
    if (!IsWordAny() && !IsIdent()) Fail();
    call->Append(Leaf(IsWordAny() && Tok().reserved ? NodeKind::kKeyword : NodeKind::kIdentifier));
    CallArgs(call);
    n->Append(Fin(call));
  } else if (W("D") || W("T") || W("TS")) {
    n->Append(Leaf(NodeKind::kIdentifier));
    n->Append(StringLit());
  } else {
    Fail();
  }
  Sy(n, "}");
  return Fin(n);
}

// --- data types ---

Node* Parser::TypeParams(Node* p) {
  Sy(p, "(");
  if (Tok().kind != TokenKind::kNumber) {
    Expect("<UNSIGNED_INTEGER_LITERAL>");
    Fail();
  }
  p->Append(Leaf(NodeKind::kNumber));
  while (ASy(p, ",")) {
    if (Tok().kind != TokenKind::kNumber) {
      Expect("<UNSIGNED_INTEGER_LITERAL>");
      Fail();
    }
    p->Append(Leaf(NodeKind::kNumber));
  }
  Sy(p, ")");
  return p;
}

Node* Parser::RowFields(Node* p, std::string_view close) {
  if (S(close)) return p;
  do {
    Node* f = New(NodeKind::kColumnDef);
    f->Append(Ident());
    f->Append(Type());
    if (IsString()) f->Append(StringLit());
    p->Append(Fin(f));
  } while (ASy(p, ","));
  return p;
}

Node* Parser::Type() {
  DepthGuard guard(this);
  Node* base = BaseType();
  Node* n = NewAt(NodeKind::kDataType, base);
  n->Append(base);
  bool extended = false;
  while (true) {
    if (W("NOT") && W("NULL", 1)) {
      K(n, "NOT");
      K(n, "NULL");
      extended = true;
    } else if (W("NULL")) {
      K(n, "NULL");
      extended = true;
    } else if (W("ARRAY") || W("MULTISET")) {
      n->Append(Leaf(NodeKind::kKeyword));
      extended = true;
    } else {
      break;
    }
  }
  if (!extended) return base;
  return Fin(n);
}

Node* Parser::BaseType() {
  Node* n = New(NodeKind::kDataType);
  if (Tok().kind != TokenKind::kWord && Tok().kind != TokenKind::kQuotedId) {
    Expect("<DATA TYPE>");
    Fail();
  }
  std::string_view w = Text();
  if (Tok().kind == TokenKind::kWord) {
    if (OneOf(w, {"CHAR", "CHARACTER", "NCHAR"})) {
      n->Append(Leaf(NodeKind::kKeyword));
      AK(n, "VARYING");
      if (S("(")) TypeParams(n);
      return Fin(n);
    }
    if (OneOf(w, {"VARCHAR", "BINARY", "VARBINARY", "FLOAT", "DECIMAL", "DEC", "NUMERIC"})) {
      bool binary = SameWord(w, "BINARY");
      n->Append(Leaf(NodeKind::kKeyword));
      if (binary) AK(n, "VARYING");
      if (S("(")) TypeParams(n);
      return Fin(n);
    }
    if (OneOf(w, {"STRING", "BYTES", "BOOLEAN", "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT",
                  "REAL", "DATE", "VARIANT", "BITMAP", "NULL"})) {
      n->Append(Leaf(NodeKind::kKeyword));
      return Fin(n);
    }
    if (SameWord(w, "DOUBLE")) {
      K(n, "DOUBLE");
      AK(n, "PRECISION");
      return Fin(n);
    }
    if (OneOf(w, {"TIME", "TIMESTAMP"})) {
      n->Append(Leaf(NodeKind::kKeyword));
      if (S("(")) TypeParams(n);
      if (AK(n, "WITHOUT")) {
        K(n, "TIME");
        K(n, "ZONE");
      } else if (AK(n, "WITH")) {
        AK(n, "LOCAL");
        K(n, "TIME");
        K(n, "ZONE");
      }
      return Fin(n);
    }
    if (SameWord(w, "TIMESTAMP_LTZ")) {
      n->Append(Leaf(NodeKind::kKeyword));
      if (S("(")) TypeParams(n);
      return Fin(n);
    }
    if (SameWord(w, "INTERVAL")) {
      K(n, "INTERVAL");
      IntervalQualifier(n);
      return Fin(n);
    }
    if (OneOf(w, {"ARRAY", "MULTISET"})) {
      n->Append(Leaf(NodeKind::kKeyword));
      Sy(n, "<");
      n->Append(Type());
      Sy(n, ">");
      return Fin(n);
    }
    if (SameWord(w, "MAP") && S("<", 1)) {
      n->Append(Leaf(NodeKind::kKeyword));
      Sy(n, "<");
      n->Append(Type());
      Sy(n, ",");
      n->Append(Type());
      Sy(n, ">");
      return Fin(n);
    }
    if (SameWord(w, "ROW")) {
      K(n, "ROW");
      if (ASy(n, "<")) {
        RowFields(n, ">");
        Sy(n, ">");
      } else {
        Sy(n, "(");
        RowFields(n, ")");
        Sy(n, ")");
      }
      return Fin(n);
    }
    if (SameWord(w, "RAW") && S("(", 1)) {
      K(n, "RAW");
      Sy(n, "(");
      n->Append(StringLit());
      if (ASy(n, ",")) n->Append(StringLit());
      Sy(n, ")");
      return Fin(n);
    }
    if (SameWord(w, "STRUCTURED") && S("<", 1)) {
      K(n, "STRUCTURED");
      Sy(n, "<");
      n->Append(StringLit());
      if (ASy(n, ",")) RowFields(n, ">");
      Sy(n, ">");
      return Fin(n);
    }
  }
  // A user-defined type: [catalog.][database.]name
  n->Append(CompoundName());
  return Fin(n);
}

}  // namespace sluice::sql::internal
