// Statements other than CREATE/ALTER/DROP: queries and DML, statement sets, EXPLAIN,
// SHOW, DESCRIBE, USE, SET/RESET, modules, JARs, plans, jobs and the client commands.
#include "common/strings.h"
#include "sql/parser_internal.h"

namespace sluice::sql::internal {

Node* Parser::Statement(StatementKind* kind) {
  Node* root = New(NodeKind::kStatement);
  *kind = StatementKind::kUnknown;
  root->Append(StatementBody(kind));
  if (!AtEnd()) {
    Expect("<EOF>");
    Fail();
  }
  return Fin(root);
}

Node* Parser::StatementBody(StatementKind* kind) {
  if (AtEnd()) {
    Expect("<STATEMENT>");
    Fail();
  }
  // The SQL client's own commands are single words.
  if (AtEnd(1) && IsWordAny()) {
    std::string_view w = Text();
    StatementKind k = StatementKind::kUnknown;
    if (EqualsIgnoreCase(w, "HELP")) k = StatementKind::kHelp;
    if (EqualsIgnoreCase(w, "QUIT") || EqualsIgnoreCase(w, "EXIT")) k = StatementKind::kQuit;
    if (EqualsIgnoreCase(w, "CLEAR")) k = StatementKind::kClear;
    if (k != StatementKind::kUnknown) {
      *kind = k;
      Node* n = New(NodeKind::kOption);
      n->Append(Leaf(NodeKind::kKeyword));
      return Fin(n);
    }
  }
  if (W("SELECT") || W("WITH") || W("VALUES") || S("(") || W("INSERT") || W("UPSERT") ||
      (W("TABLE") && IsIdent(1))) {
    return QueryOrDml(kind);
  }
  if (W("EXECUTE")) return ExecuteStatement(kind);
  if (W("BEGIN")) {
    *kind = StatementKind::kBeginStatementSet;
    Node* n = New(NodeKind::kOption);
    K(n, "BEGIN");
    K(n, "STATEMENT");
    K(n, "SET");
    return Fin(n);
  }
  if (W("END")) {
    *kind = StatementKind::kEnd;
    Node* n = New(NodeKind::kOption);
    K(n, "END");
    return Fin(n);
  }
  if (W("EXPLAIN")) {
    *kind = StatementKind::kExplain;
    return Explain();
  }
  if (W("SHOW")) {
    *kind = StatementKind::kShow;
    return Show();
  }
  if (W("DESCRIBE") || W("DESC")) return Describe(kind);
  if (W("USE")) return Use(kind);
  if (W("SET")) {
    *kind = StatementKind::kSet;
    return SetStatement();
  }
  if (W("RESET")) {
    *kind = StatementKind::kReset;
    return ResetStatement();
  }
  if (W("CREATE")) return Create(kind);
  if (W("REPLACE")) {
    Node* n = New(NodeKind::kOption);
    const Token& start = Tok();
    K(n, "REPLACE");
    AK(n, "TEMPORARY");
    if (!W("TABLE")) Fail();
    Requires(FlinkVersion::k1_18, "REPLACE TABLE ... AS", start.begin, start.end);
    CreateTable(n, true, kind);
    if (*kind != StatementKind::kReplaceTableAs && !AtEnd()) Fail();
    if (*kind != StatementKind::kReplaceTableAs) {
      throw Failure{ParseIssue{"syntax", "REPLACE TABLE needs a query: add AS SELECT ...",
                               prev_end_ > 0 ? prev_end_ - 1 : 0, prev_end_}};
    }
    return Fin(n);
  }
  if (W("ALTER")) return Alter(kind);
  if (W("DROP")) return Drop(kind);
  if (W("COMPILE")) return CompilePlan(kind);
  if (W("DELETE") || W("UPDATE")) return DeleteOrUpdate(kind);
  return Simple(kind);
}

Node* Parser::QueryOrDml(StatementKind* kind) {
  if (W("INSERT") || W("UPSERT")) {
    *kind = StatementKind::kInsert;
    return Insert();
  }
  *kind = StatementKind::kSelect;
  return Query();
}

Node* Parser::Insert() {
  Node* n = New(NodeKind::kInsert);
  bool upsert = W("UPSERT");
  n->Append(Leaf(NodeKind::kKeyword));  // INSERT or UPSERT
  if (upsert && W("OVERWRITE")) {
    FailAt(Tok(), "syntax", "OVERWRITE expression is only used with INSERT statement.");
  }
  if (!AK(n, "INTO")) K(n, "OVERWRITE");
  Node* target = New(NodeKind::kTableRef);
  target->Append(CompoundName());
  if (S("/*+")) target->Append(Hints());
  n->Append(Fin(target));
  // Extended columns: (name type, ...) before PARTITION.
  if (S("(") && !IsQueryStart()) {
    Node* cols = New(NodeKind::kColumnList);
    Sy(cols, "(");
    do {
      Node* c = New(NodeKind::kColumnDef);
      c->Append(CompoundName());
      if (!S(",") && !S(")")) c->Append(Type());
      cols->Append(Fin(c));
    } while (ASy(cols, ","));
    Sy(cols, ")");
    n->Append(Fin(cols));
  }
  if (W("PARTITION")) {
    n->Append(PartitionSpec(false));
    if (S("(") && !IsQueryStart()) n->Append(NameList());
  }
  n->Append(Query());
  if (W("ON") && W("CONFLICT", 1)) {
    Node* c = New(NodeKind::kOption);
    const Token& on = Tok();
    K(c, "ON");
    K(c, "CONFLICT");
    K(c, "DO");
    if (!AK(c, "NOTHING") && !AK(c, "ERROR")) K(c, "DEDUPLICATE");
    Requires(FlinkVersion::k2_3, "INSERT ... ON CONFLICT", on.begin, on.end);
    n->Append(Fin(c));
  }
  return Fin(n);
}

Node* Parser::StatementSetBody(Node* p) {
  Node* n = New(NodeKind::kStatementSet);
  K(n, "STATEMENT");
  K(n, "SET");
  K(n, "BEGIN");
  do {
    if (!W("INSERT") && !W("UPSERT")) Fail();
    n->Append(Insert());
    Sy(n, ";");
  } while (!W("END"));
  K(n, "END");
  p->Append(Fin(n));
  return p;
}

Node* Parser::ExecuteStatement(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  K(n, "EXECUTE");
  if (W("STATEMENT")) {
    *kind = StatementKind::kExecuteStatementSet;
    StatementSetBody(n);
  } else if (AK(n, "PLAN")) {
    *kind = StatementKind::kExecutePlan;
    n->Append(StringLit());
  } else if (W("INSERT") || W("UPSERT") || W("SELECT") || W("WITH") || W("VALUES") || S("(")) {
    *kind = StatementKind::kExecute;
    StatementKind inner;
    n->Append(QueryOrDml(&inner));
  } else {
    Fail();
  }
  return Fin(n);
}

Node* Parser::CompilePlan(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  K(n, "COMPILE");
  if (AK(n, "AND")) {
    K(n, "EXECUTE");
    *kind = StatementKind::kCompileAndExecutePlan;
  } else {
    *kind = StatementKind::kCompilePlan;
  }
  K(n, "PLAN");
  n->Append(StringLit());
  if (*kind == StatementKind::kCompilePlan && AK(n, "IF")) {
    K(n, "NOT");
    K(n, "EXISTS");
  }
  K(n, "FOR");
  if (W("STATEMENT")) {
    StatementSetBody(n);
  } else if (W("INSERT") || W("UPSERT")) {
    n->Append(Insert());
  } else {
    Fail();
  }
  return Fin(n);
}

Node* Parser::Explain() {
  Node* n = New(NodeKind::kOption);
  K(n, "EXPLAIN");
  static constexpr std::string_view kDetails[] = {"ESTIMATED_COST", "CHANGELOG_MODE",
                                                  "JSON_EXECUTION_PLAN", "PLAN_ADVICE"};
  auto is_detail = [&]() {
    for (std::string_view d : kDetails) {
      if (W(d)) return true;
    }
    return false;
  };
  if (W("PLAN")) {
    K(n, "PLAN");
    if (AK(n, "INCLUDING")) {
      AK(n, "ALL");
      K(n, "ATTRIBUTES");
    } else if (AK(n, "EXCLUDING")) {
      K(n, "ATTRIBUTES");
    }
    if (W("WITH") || W("WITHOUT")) {
      n->Append(Leaf(NodeKind::kKeyword));
      if (!AK(n, "IMPLEMENTATION")) K(n, "TYPE");
    }
    if (AK(n, "AS")) {
      if (!AK(n, "XML") && !AK(n, "JSON") && !AK(n, "TEXT")) K(n, "DOT");
    }
    K(n, "FOR");
  } else if (is_detail() && !S("(", 1)) {
    std::vector<std::string> seen;
    do {
      if (!is_detail()) Fail();
      std::string d = UpperAscii(Text());
      for (const std::string& s : seen) {
        if (s == d) FailAt(Tok(), "syntax", "Duplicate EXPLAIN DETAIL is not allowed.");
      }
      seen.push_back(d);
      n->Append(Leaf(NodeKind::kKeyword));
    } while (ASy(n, ","));
  }
  if (W("STATEMENT")) {
    StatementSetBody(n);
  } else if (W("EXECUTE")) {
    K(n, "EXECUTE");
    if (W("STATEMENT")) {
      StatementSetBody(n);
    } else {
      StatementKind inner;
      n->Append(QueryOrDml(&inner));
    }
  } else if (W("CREATE") || W("REPLACE")) {
    in_explain_ = true;
    StatementKind inner;
    Node* c = W("CREATE") ? Create(&inner) : nullptr;
    if (c == nullptr) {
      c = New(NodeKind::kOption);
      K(c, "REPLACE");
      CreateTable(c, true, &inner);
    }
    if (inner != StatementKind::kCreateTableAs && inner != StatementKind::kReplaceTableAs) {
      throw Failure{ParseIssue{
          "syntax",
          "Unsupported CREATE OR REPLACE statement for EXPLAIN. The statement must define a "
          "query using the AS clause (i.e. CTAS/RTAS statements).",
          prev_end_ > 0 ? prev_end_ - 1 : 0, prev_end_}};
    }
    n->Append(c);
  } else if (W("INSERT") || W("UPSERT") || W("SELECT") || W("WITH") || W("VALUES") || S("(")) {
    StatementKind inner;
    n->Append(QueryOrDml(&inner));
  } else {
    Fail();
  }
  return Fin(n);
}

Node* Parser::Show() {
  Node* n = New(NodeKind::kOption);
  const Token& start = Tok();
  K(n, "SHOW");
  auto from_in = [&](bool single_part, std::string_view what) {
    if (AK(n, "FROM") || AK(n, "IN")) {
      Node* name = CompoundName();
      if (single_part && name->ChildCount() > 1) {
        FailNode(name, "syntax",
                 std::string(what) + " from/in identifier [ " + NameText(*name) +
                     " ] format error, catalog must be a single part identifier.");
      }
      n->Append(name);
    }
  };
  auto like = [&]() {
    if (W("LIKE") || W("ILIKE") || W("NOT")) LikePattern(n);
  };
  if (AK(n, "CATALOGS")) {
    like();
  } else if (AK(n, "CURRENT")) {
    if (!AK(n, "CATALOG")) K(n, "DATABASE");
  } else if (AK(n, "DATABASES")) {
    from_in(true, "Show databases");
    like();
  } else if (W("USER") || W("FUNCTIONS")) {
    AK(n, "USER");
    K(n, "FUNCTIONS");
    from_in(false, "");
    like();
  } else if (W("MATERIALIZED") || W("TABLES")) {
    AK(n, "MATERIALIZED");
    K(n, "TABLES");
    from_in(false, "");
    like();
  } else if (AK(n, "VIEWS")) {
    from_in(false, "");
    like();
  } else if (AK(n, "COLUMNS")) {
    if (!AK(n, "FROM")) K(n, "IN");
    n->Append(CompoundName());
    like();
  } else if (AK(n, "CREATE")) {
    if (AK(n, "MATERIALIZED")) {
      K(n, "TABLE");
    } else if (AK(n, "MODEL")) {
      Requires(FlinkVersion::k1_20, "SHOW CREATE MODEL", start.begin, start.end);
    } else if (AK(n, "CONNECTION")) {
      Requires(FlinkVersion::k2_3, "SHOW CREATE CONNECTION", start.begin, start.end);
    } else if (!AK(n, "TABLE") && !AK(n, "VIEW")) {
      K(n, "CATALOG");
    }
    n->Append(CompoundName());
  } else if (W("FULL") || W("MODULES")) {
    AK(n, "FULL");
    K(n, "MODULES");
  } else if (AK(n, "JARS") || AK(n, "JOBS")) {
  } else if (AK(n, "PARTITIONS")) {
    Requires(FlinkVersion::k1_18, "SHOW PARTITIONS", start.begin, start.end);
    n->Append(CompoundName());
    if (W("PARTITION")) n->Append(PartitionSpec(false));
  } else if (AK(n, "PROCEDURES")) {
    Requires(FlinkVersion::k1_18, "SHOW PROCEDURES", start.begin, start.end);
    from_in(false, "");
    like();
  } else if (AK(n, "MODELS")) {
    Requires(FlinkVersion::k1_20, "SHOW MODELS", start.begin, start.end);
    from_in(false, "");
    like();
  } else if (AK(n, "CONNECTIONS")) {
    Requires(FlinkVersion::k2_3, "SHOW CONNECTIONS", start.begin, start.end);
    from_in(false, "");
    like();
  } else {
    Fail();
  }
  return Fin(n);
}

Node* Parser::Describe(StatementKind* kind) {
  *kind = StatementKind::kDescribe;
  Node* n = New(NodeKind::kOption);
  const Token& start = Tok();
  n->Append(Leaf(NodeKind::kKeyword));  // DESCRIBE or DESC
  if (AK(n, "CATALOG") || AK(n, "DATABASE")) {
    AK(n, "EXTENDED");
    n->Append(CompoundName());
  } else if (W("FUNCTION") || W("MODEL") || W("CONNECTION")) {
    if (W("FUNCTION")) Requires(FlinkVersion::k2_0, "DESCRIBE FUNCTION", start.begin, start.end);
    if (W("MODEL")) Requires(FlinkVersion::k1_20, "DESCRIBE MODEL", start.begin, start.end);
    if (W("CONNECTION")) {
      Requires(FlinkVersion::k2_3, "DESCRIBE CONNECTION", start.begin, start.end);
    }
    n->Append(Leaf(NodeKind::kKeyword));
    AK(n, "EXTENDED");
    n->Append(CompoundName());
  } else if (W("JOB") && IsString(1)) {
    Requires(FlinkVersion::k1_20, "DESCRIBE JOB", start.begin, start.end);
    K(n, "JOB");
    n->Append(StringLit());
  } else {
    if (W("EXTENDED") && IsIdent(1)) K(n, "EXTENDED");
    n->Append(CompoundName());
  }
  return Fin(n);
}

Node* Parser::Use(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  K(n, "USE");
  if (W("CATALOG") && (IsIdent(1))) {
    *kind = StatementKind::kUseCatalog;
    K(n, "CATALOG");
    n->Append(SimpleName());
  } else if (W("MODULES")) {
    *kind = StatementKind::kUseModules;
    K(n, "MODULES");
    n->Append(SimpleName());
    while (ASy(n, ","))
      n->Append(SimpleName());
  } else {
    *kind = StatementKind::kUse;
    n->Append(CompoundName());
  }
  return Fin(n);
}

Node* Parser::SetStatement() {
  Node* n = New(NodeKind::kOption);
  K(n, "SET");
  if (AtEnd()) return Fin(n);
  if (IsString()) {
    Node* p = New(NodeKind::kProperty);
    p->Append(StringLit());
    Sy(p, "=");
    p->Append(StringLit());
    n->Append(Fin(p));
    return Fin(n);
  }
  // The SQL client's legacy form: SET key = value, both as written.
  size_t eq = 0;
  while (!AtEnd(eq) && !(Tok(eq).kind == TokenKind::kSymbol && Text(eq) == "="))
    ++eq;
  if (eq == 0 || AtEnd(eq)) {
    Expect("<STRING>");
    Fail();
  }
  Node* p = New(NodeKind::kProperty);
  Node* key = arena_.New(NodeKind::kRaw);
  key->begin = Tok().begin;
  key->end = Tok(eq - 1).end;
  key->text = in_.script.substr(key->begin, key->end - key->begin);
  i_ += eq;
  prev_end_ = key->end;
  p->Append(key);
  Sy(p, "=");
  size_t rest = 0;
  while (!AtEnd(rest))
    ++rest;
  if (rest > 0) {
    Node* value = arena_.New(NodeKind::kRaw);
    value->begin = Tok().begin;
    value->end = Tok(rest - 1).end;
    value->text = in_.script.substr(value->begin, value->end - value->begin);
    i_ += rest;
    prev_end_ = value->end;
    p->Append(value);
  }
  n->Append(Fin(p));
  return Fin(n);
}

Node* Parser::ResetStatement() {
  Node* n = New(NodeKind::kOption);
  K(n, "RESET");
  if (AtEnd()) return Fin(n);
  if (IsString()) {
    n->Append(StringLit());
    return Fin(n);
  }
  size_t rest = 0;
  while (!AtEnd(rest))
    ++rest;
  Node* key = arena_.New(NodeKind::kRaw);
  key->begin = Tok().begin;
  key->end = Tok(rest - 1).end;
  key->text = in_.script.substr(key->begin, key->end - key->begin);
  i_ += rest;
  prev_end_ = key->end;
  n->Append(key);
  return Fin(n);
}

Node* Parser::DeleteOrUpdate(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  if (AK(n, "DELETE")) {
    *kind = StatementKind::kDelete;
    K(n, "FROM");
    Node* target = New(NodeKind::kTableRef);
    target->Append(CompoundName());
    if (W("AS") || IsIdent()) target->Append(Alias(false));
    n->Append(Fin(target));
  } else {
    *kind = StatementKind::kUpdate;
    K(n, "UPDATE");
    Node* target = New(NodeKind::kTableRef);
    target->Append(CompoundName());
    if (W("AS") || (IsIdent() && !W("SET"))) target->Append(Alias(false));
    n->Append(Fin(target));
    K(n, "SET");
    do {
      Node* a = New(NodeKind::kProperty);
      a->Append(CompoundName());
      Sy(a, "=");
      a->Append(Expr());
      n->Append(Fin(a));
    } while (ASy(n, ","));
  }
  if (W("WHERE")) {
    Node* c = New(NodeKind::kWhere);
    K(c, "WHERE");
    c->Append(Expr());
    n->Append(Fin(c));
  }
  return Fin(n);
}

Node* Parser::Simple(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  const Token& start = Tok();
  if (AK(n, "LOAD")) {
    *kind = StatementKind::kLoadModule;
    K(n, "MODULE");
    n->Append(SimpleName());
    if (AK(n, "WITH")) n->Append(PropertyList());
  } else if (AK(n, "UNLOAD")) {
    *kind = StatementKind::kUnloadModule;
    K(n, "MODULE");
    n->Append(SimpleName());
  } else if (AK(n, "ADD")) {
    *kind = StatementKind::kAddJar;
    K(n, "JAR");
    n->Append(StringLit());
  } else if (AK(n, "REMOVE")) {
    *kind = StatementKind::kRemoveJar;
    K(n, "JAR");
    n->Append(StringLit());
  } else if (AK(n, "ANALYZE")) {
    *kind = StatementKind::kAnalyzeTable;
    K(n, "TABLE");
    n->Append(CompoundName());
    if (W("PARTITION")) n->Append(PartitionSpec(true));
    K(n, "COMPUTE");
    K(n, "STATISTICS");
    if (AK(n, "FOR")) {
      if (AK(n, "ALL")) {
        K(n, "COLUMNS");
      } else {
        K(n, "COLUMNS");
        n->Append(SimpleName());
        while (ASy(n, ","))
          n->Append(SimpleName());
      }
    }
  } else if (AK(n, "CALL")) {
    *kind = StatementKind::kCall;
    Requires(FlinkVersion::k1_18, "CALL", start.begin, start.end);
    Node* call = New(NodeKind::kCall);
    call->Append(CompoundName());
    CallArgs(call);
    n->Append(Fin(call));
  } else if (AK(n, "TRUNCATE")) {
    *kind = StatementKind::kTruncateTable;
    Requires(FlinkVersion::k1_18, "TRUNCATE TABLE", start.begin, start.end);
    K(n, "TABLE");
    n->Append(CompoundName());
  } else if (AK(n, "STOP")) {
    *kind = StatementKind::kStopJob;
    K(n, "JOB");
    n->Append(StringLit());
    while (W("WITH") && (W("SAVEPOINT", 1) || W("DRAIN", 1))) {
      K(n, "WITH");
      n->Append(Leaf(NodeKind::kKeyword));
    }
  } else {
    for (std::string_view w : {"SELECT", "INSERT", "CREATE", "ALTER", "DROP", "SET", "SHOW",
                               "DESCRIBE", "EXPLAIN", "USE", "EXECUTE", "BEGIN", "END"}) {
      Expect(w);
    }
    Fail();
  }
  return Fin(n);
}

}  // namespace sluice::sql::internal
