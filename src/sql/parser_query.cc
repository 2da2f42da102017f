// Queries: WITH, set operations, SELECT, FROM with joins, table functions, UNNEST,
// temporal joins, MATCH_RECOGNIZE, VALUES, ORDER BY / LIMIT / OFFSET / FETCH.
#include "common/strings.h"
#include "sql/parser_internal.h"

namespace sluice::sql::internal {

Node* Parser::Query() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kQuery);
  bool wrapped = false;
  if (W("WITH")) {
    wrapped = true;
    Node* with = New(NodeKind::kWith);
    K(with, "WITH");
    AK(with, "RECURSIVE");
    do {
      Node* item = New(NodeKind::kWithItem);
      item->Append(SimpleName());
      if (S("(")) item->Append(NameList(true));
      K(item, "AS");
      Node* sub = New(NodeKind::kSubquery);
      Sy(sub, "(");
      sub->Append(Query());
      Sy(sub, ")");
      item->Append(Fin(sub));
      with->Append(Fin(item));
    } while (ASy(with, ","));
    n->Append(Fin(with));
  }
  Node* body = SetExpr();
  n->Append(body);
  if (W("ORDER")) {
    wrapped = true;
    n->Append(OrderByClause());
  }
  if (W("LIMIT")) {
    wrapped = true;
    Node* l = New(NodeKind::kLimit);
    K(l, "LIMIT");
    if (!AK(l, "ALL")) {
      l->Append(Additive());
      if (ASy(l, ",")) l->Append(Additive());
    }
    n->Append(Fin(l));
  }
  if (W("OFFSET")) {
    wrapped = true;
    Node* l = New(NodeKind::kLimit);
    K(l, "OFFSET");
    l->Append(Additive());
    if (!AK(l, "ROW")) AK(l, "ROWS");
    n->Append(Fin(l));
  }
  if (W("FETCH")) {
    wrapped = true;
    Node* l = New(NodeKind::kLimit);
    K(l, "FETCH");
    if (!AK(l, "FIRST")) K(l, "NEXT");
    if (!W("ROW") && !W("ROWS")) l->Append(Additive());
    if (!AK(l, "ROW")) K(l, "ROWS");
    K(l, "ONLY");
    n->Append(Fin(l));
  }
  if (!wrapped) return body;
  return Fin(n);
}

Node* Parser::SetExpr() {
  Node* left = QueryTerm();
  if (!(W("UNION") || W("EXCEPT") || W("INTERSECT") || W("MINUS"))) return left;
  Node* n = NewAt(NodeKind::kSetOp, left);
  n->Append(left);
  while (W("UNION") || W("EXCEPT") || W("INTERSECT") || W("MINUS")) {
    n->Append(Leaf(NodeKind::kKeyword));
    if (!AK(n, "ALL")) AK(n, "DISTINCT");
    n->Append(QueryTerm());
  }
  return Fin(n);
}

Node* Parser::QueryTerm() {
  if (W("SELECT")) return Select();
  if (W("VALUES")) return Values();
  if (S("(")) {
    DepthGuard guard(this);
    Node* n = New(NodeKind::kSubquery);
    Sy(n, "(");
    n->Append(Query());
    Sy(n, ")");
    return Fin(n);
  }
  if (W("TABLE") && IsIdent(1)) {
    Node* n = New(NodeKind::kTableRef);
    K(n, "TABLE");
    n->Append(CompoundName());
    return Fin(n);
  }
  Expect("SELECT");
  Expect("VALUES");
  Expect("WITH");
  Expect("(");
  Fail();
}

Node* Parser::Values() {
  Node* n = New(NodeKind::kValues);
  K(n, "VALUES");
  ExprList(n);
  return Fin(n);
}

Node* Parser::Select() {
  Node* n = New(NodeKind::kSelect);
  K(n, "SELECT");
  if (S("/*+")) n->Append(Hints());
  AK(n, "STREAM");
  if (!AK(n, "DISTINCT")) AK(n, "ALL");
  n->Append(SelectItem());
  while (ASy(n, ","))
    n->Append(SelectItem());
  if (W("FROM")) {
    Node* from = New(NodeKind::kFrom);
    K(from, "FROM");
    from->Append(FromClause());
    n->Append(Fin(from));
  }
  if (W("WHERE")) {
    Node* c = New(NodeKind::kWhere);
    K(c, "WHERE");
    c->Append(Expr());
    n->Append(Fin(c));
  }
  if (W("GROUP")) {
    Node* c = New(NodeKind::kGroupBy);
    K(c, "GROUP");
    K(c, "BY");
    if (!AK(c, "DISTINCT")) AK(c, "ALL");
    c->Append(GroupItem());
    while (ASy(c, ","))
      c->Append(GroupItem());
    n->Append(Fin(c));
  }
  if (W("HAVING")) {
    Node* c = New(NodeKind::kHaving);
    K(c, "HAVING");
    c->Append(Expr());
    n->Append(Fin(c));
  }
  if (W("WINDOW")) {
    Node* c = New(NodeKind::kWindowClause);
    K(c, "WINDOW");
    do {
      c->Append(SimpleName());
      K(c, "AS");
      c->Append(WindowSpec());
    } while (ASy(c, ","));
    n->Append(Fin(c));
  }
  if (W("QUALIFY")) {
    Node* c = New(NodeKind::kQualify);
    K(c, "QUALIFY");
    c->Append(Expr());
    n->Append(Fin(c));
  }
  return Fin(n);
}

Node* Parser::SelectItem() {
  Node* n = New(NodeKind::kSelectItem);
  if (S("*")) {
    n->Append(Leaf(NodeKind::kSymbol));
    return Fin(n);
  }
  n->Append(Expr());
  if (W("AS") || IsIdent()) n->Append(Alias(false));
  return Fin(n);
}

Node* Parser::Alias(bool require_as) {
  Node* n = New(NodeKind::kAlias);
  if (require_as) {
    K(n, "AS");
  } else {
    AK(n, "AS");
  }
  if (IsString() && n->first != nullptr) {
    n->Append(StringLit());
  } else {
    n->Append(Ident());
  }
  return Fin(n);
}

Node* Parser::GroupItem() {
  if (W("GROUPING") && W("SETS", 1)) {
    Node* n = New(NodeKind::kCall);
    K(n, "GROUPING");
    K(n, "SETS");
    Sy(n, "(");
    n->Append(GroupItem());
    while (ASy(n, ","))
      n->Append(GroupItem());
    Sy(n, ")");
    return Fin(n);
  }
  if ((W("ROLLUP") || W("CUBE")) && S("(", 1)) {
    Node* n = New(NodeKind::kCall);
    n->Append(Leaf(NodeKind::kKeyword));
    Sy(n, "(");
    n->Append(GroupItem());
    while (ASy(n, ","))
      n->Append(GroupItem());
    Sy(n, ")");
    return Fin(n);
  }
  if (S("(") && S(")", 1)) {
    Node* n = New(NodeKind::kParen);
    Sy(n, "(");
    Sy(n, ")");
    return Fin(n);
  }
  return Expr();
}

Node* Parser::OrderByClause() {
  Node* n = New(NodeKind::kOrderBy);
  K(n, "ORDER");
  K(n, "BY");
  n->Append(OrderItem());
  while (ASy(n, ","))
    n->Append(OrderItem());
  return Fin(n);
}

Node* Parser::OrderItem() {
  Node* n = New(NodeKind::kOrderItem);
  n->Append(Expr());
  if (!AK(n, "ASC")) AK(n, "DESC");
  if (W("NULLS") && (W("FIRST", 1) || W("LAST", 1))) {
    K(n, "NULLS");
    n->Append(Leaf(NodeKind::kKeyword));
  }
  return Fin(n);
}

Node* Parser::Hints() {
  Node* n = New(NodeKind::kHints);
  Sy(n, "/*+");
  while (true) {
    Node* h = New(NodeKind::kCall);
    if (!IsIdent() && !IsWordAny()) Fail();
    h->Append(Leaf(NodeKind::kIdentifier));
    if (ASy(h, "(")) {
      if (!S(")")) {
        do {
          Node* opt = New(NodeKind::kProperty);
          if (IsString()) {
            opt->Append(StringLit());
          } else if (Tok().kind == TokenKind::kNumber) {
            opt->Append(Leaf(NodeKind::kNumber));
          } else {
            opt->Append(CompoundName());
          }
          if (ASy(opt, "=")) {
            if (IsString()) {
              opt->Append(StringLit());
            } else if (Tok().kind == TokenKind::kNumber) {
              opt->Append(Leaf(NodeKind::kNumber));
            } else {
              opt->Append(CompoundName());
            }
          }
          h->Append(Fin(opt));
        } while (ASy(h, ","));
      }
      Sy(h, ")");
    }
    n->Append(Fin(h));
    if (ASy(n, ",")) continue;
    if (S("*/")) break;
    if (IsIdent() || IsWordAny()) continue;
    Fail();
  }
  Sy(n, "*/");
  return Fin(n);
}

Node* Parser::FromClause() {
  Node* left = TableRef();
  auto is_join = [&]() {
    return W("JOIN") || W("INNER") || W("LEFT") || W("RIGHT") || W("FULL") || W("CROSS") ||
           W("NATURAL") || (W("OUTER") && W("APPLY", 1)) || S(",");
  };
  if (!is_join()) return left;
  Node* n = NewAt(NodeKind::kJoin, left);
  n->Append(left);
  while (is_join()) {
    if (ASy(n, ",")) {
      n->Append(TableRef());
      continue;
    }
    if (W("CROSS") && W("APPLY", 1)) {
      K(n, "CROSS");
      K(n, "APPLY");
      n->Append(TableRef());
      continue;
    }
    if (W("OUTER") && W("APPLY", 1)) {
      K(n, "OUTER");
      K(n, "APPLY");
      n->Append(TableRef());
      continue;
    }
    bool natural = AK(n, "NATURAL");
    bool cross = false;
    const Token& join_start = Tok();
    if (AK(n, "LEFT") || AK(n, "RIGHT") || AK(n, "FULL")) {
      AK(n, "OUTER");
    } else if (AK(n, "CROSS")) {
      cross = true;
    } else {
      AK(n, "INNER");
    }
    K(n, "JOIN");
    n->Append(TableRef());
    if (!cross && !natural) {
      if (AK(n, "ON")) {
        n->Append(Expr());
      } else if (AK(n, "USING")) {
        n->Append(NameList(true));
      } else {
        FailAt(join_start, "syntax",
               "INNER, LEFT, RIGHT or FULL join requires a condition (NATURAL keyword or ON or "
               "USING clause)");
      }
    }
  }
  return Fin(n);
}

Node* Parser::TableRef() {
  DepthGuard guard(this);
  Node* primary = TablePrimary();
  Node* n = primary;
  if (W("MATCH_RECOGNIZE")) {
    Node* m = NewAt(NodeKind::kMatchRecognize, primary);
    m->Append(primary);
    m->Append(MatchRecognize());
    n = Fin(m);
  }
  if (W("AS") || IsIdent()) {
    Node* wrapped = n;
    if (n->kind != NodeKind::kTableRef) {
      wrapped = NewAt(NodeKind::kTableRef, n);
      wrapped->Append(n);
    }
    wrapped->Append(TableAlias());
    n = Fin(wrapped);
  }
  if (W("TABLESAMPLE")) {
    Node* wrapped = NewAt(NodeKind::kTableRef, n);
    wrapped->Append(n);
    Node* s = New(NodeKind::kOption);
    K(s, "TABLESAMPLE");
    if (!AK(s, "BERNOULLI") && !AK(s, "SYSTEM")) K(s, "SUBSTITUTE");
    Sy(s, "(");
    s->Append(Expr());
    Sy(s, ")");
    if (AK(s, "REPEATABLE")) {
      Sy(s, "(");
      s->Append(Expr());
      Sy(s, ")");
    }
    wrapped->Append(Fin(s));
    n = Fin(wrapped);
  }
  return n;
}

Node* Parser::TableAlias() {
  Node* a = New(NodeKind::kAlias);
  AK(a, "AS");
  a->Append(Ident());
  if (S("(")) {
    Node* cols = New(NodeKind::kNameList);
    Sy(cols, "(");
    cols->Append(Ident());
    while (ASy(cols, ","))
      cols->Append(Ident());
    Sy(cols, ")");
    a->Append(Fin(cols));
  }
  return Fin(a);
}

Node* Parser::TablePrimary() {
  if (S("(")) {
    Node* n = New(NodeKind::kSubquery);
    Sy(n, "(");
    if (IsQueryStart()) {
      n->Append(Query());
    } else {
      n->kind = NodeKind::kParen;
      n->Append(FromClause());
    }
    Sy(n, ")");
    return Fin(n);
  }
  if (W("LATERAL")) {
    Node* n = New(NodeKind::kTableFunction);
    K(n, "LATERAL");
    if (W("TABLE")) {
      K(n, "TABLE");
      Sy(n, "(");
      n->Append(Expr());
      Sy(n, ")");
    } else if (W("UNNEST")) {
      n->Append(TablePrimary());
    } else {
      Node* sub = New(NodeKind::kSubquery);
      Sy(sub, "(");
      sub->Append(Query());
      Sy(sub, ")");
      n->Append(Fin(sub));
    }
    return Fin(n);
  }
  if (W("TABLE") && S("(", 1)) {
    Node* n = New(NodeKind::kTableFunction);
    K(n, "TABLE");
    Sy(n, "(");
    n->Append(Expr());
    Sy(n, ")");
    return Fin(n);
  }
  if (W("UNNEST")) {
    Node* n = New(NodeKind::kUnnest);
    K(n, "UNNEST");
    Sy(n, "(");
    ExprList(n);
    Sy(n, ")");
    if (W("WITH") && W("ORDINALITY", 1)) {
      K(n, "WITH");
      K(n, "ORDINALITY");
    }
    return Fin(n);
  }
  if (!IsIdent()) {
    Expect("LATERAL");
    Expect("TABLE");
    Expect("UNNEST");
    Expect("(");
    Fail();
  }
  Node* name = CompoundName();
  if (S("(")) {
    Node* call = NewAt(NodeKind::kCall, name);
    call->Append(name);
    CallArgs(call);
    Fin(call);
    Node* n = NewAt(NodeKind::kTableFunction, name);
    n->Append(call);
    return Fin(n);
  }
  Node* n = NewAt(NodeKind::kTableRef, name);
  n->Append(name);
  if (S("/*+")) n->Append(Hints());
  if (W("FOR") && W("SYSTEM_TIME", 1)) {
    Node* s = New(NodeKind::kOption);
    K(s, "FOR");
    K(s, "SYSTEM_TIME");
    K(s, "AS");
    K(s, "OF");
    s->Append(Expr());
    n->Append(Fin(s));
  }
  return Fin(n);
}

Node* Parser::MatchRecognize() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kOption);
  K(n, "MATCH_RECOGNIZE");
  Sy(n, "(");
  if (AK(n, "PARTITION")) {
    K(n, "BY");
    ExprList(n);
  }
  if (W("ORDER")) n->Append(OrderByClause());
  if (AK(n, "MEASURES")) {
    do {
      Node* m = New(NodeKind::kSelectItem);
      m->Append(Expr());
      m->Append(Alias(true));
      n->Append(Fin(m));
    } while (ASy(n, ","));
  }
  if (AK(n, "ONE")) {
    K(n, "ROW");
    K(n, "PER");
    K(n, "MATCH");
  } else if (AK(n, "ALL")) {
    K(n, "ROWS");
    K(n, "PER");
    K(n, "MATCH");
    if (AK(n, "SHOW") || AK(n, "OMIT")) {
      K(n, "EMPTY");
      K(n, "MATCHES");
    } else if (AK(n, "WITH")) {
      K(n, "UNMATCHED");
      K(n, "ROWS");
    }
  }
  if (AK(n, "AFTER")) {
    K(n, "MATCH");
    K(n, "SKIP");
    if (AK(n, "PAST")) {
      K(n, "LAST");
      K(n, "ROW");
    } else {
      K(n, "TO");
      if (AK(n, "NEXT")) {
        K(n, "ROW");
      } else {
        if (!AK(n, "FIRST")) AK(n, "LAST");
        n->Append(SimpleName());
      }
    }
  }
  K(n, "PATTERN");
  Sy(n, "(");
  ASy(n, "^");
  n->Append(Pattern());
  if (W("$")) n->Append(Leaf(NodeKind::kSymbol));
  Sy(n, ")");
  if (AK(n, "WITHIN")) n->Append(IntervalExpr());
  if (AK(n, "SUBSET")) {
    do {
      n->Append(SimpleName());
      Sy(n, "=");
      n->Append(NameList(true));
    } while (ASy(n, ","));
  }
  K(n, "DEFINE");
  do {
    n->Append(SimpleName());
    K(n, "AS");
    n->Append(Expr());
  } while (ASy(n, ","));
  Sy(n, ")");
  return Fin(n);
}

Node* Parser::Pattern() {
  DepthGuard guard(this);
  Node* n = New(NodeKind::kPattern);
  n->Append(PatternTerm());
  while (ASy(n, "|"))
    n->Append(PatternTerm());
  return Fin(n);
}

// '?' lexes as a parameter marker; in a pattern it is a quantifier.
bool Parser::AcceptQuestion(Node* p) {
  if (Tok().kind != TokenKind::kParam) {
    Expect("?");
    return false;
  }
  p->Append(Leaf(NodeKind::kSymbol));
  return true;
}

Node* Parser::PatternTerm() {
  Node* n = New(NodeKind::kPattern);
  bool any = false;
  while (true) {
    if (S("(")) {
      Sy(n, "(");
      n->Append(Pattern());
      Sy(n, ")");
    } else if (S("{-")) {
      Sy(n, "{-");
      n->Append(Pattern());
      Sy(n, "-}");
    } else if (W("PERMUTE") && S("(", 1)) {
      K(n, "PERMUTE");
      Sy(n, "(");
      n->Append(Pattern());
      while (ASy(n, ","))
        n->Append(Pattern());
      Sy(n, ")");
    } else if (IsIdent() && !W("$")) {
      n->Append(Ident());
    } else {
      break;
    }
    any = true;
    // Quantifiers: * + ? {n} {n,} {,m} {n,m}, each optionally reluctant (?).
    bool quantified = false;
    if (ASy(n, "*") || ASy(n, "+") || AcceptQuestion(n)) {
      quantified = true;
    } else if (S("{") && !S("-", 1)) {
      Sy(n, "{");
      if (Tok().kind == TokenKind::kNumber) n->Append(Leaf(NodeKind::kNumber));
      if (ASy(n, ",") && Tok().kind == TokenKind::kNumber) n->Append(Leaf(NodeKind::kNumber));
      Sy(n, "}");
      quantified = true;
    }
    if (quantified) AcceptQuestion(n);
  }
  if (!any) Fail();
  return Fin(n);
}

}  // namespace sluice::sql::internal
