// CREATE, ALTER and DROP of tables, views, functions, catalogs, databases, materialized
// tables, models and connections.
#include "common/strings.h"
#include "sql/parser_internal.h"

namespace sluice::sql::internal {
namespace {

constexpr std::string_view kFreshnessMessage =
    "MATERIALIZED TABLE only supports define interval type FRESHNESS, please refer to the "
    "materialized table document.";

}  // namespace

Node* Parser::Create(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  const Token& create = Tok();
  K(n, "CREATE");
  bool replace = false;
  bool or_alter = false;
  if (AK(n, "OR")) {
    if (AK(n, "REPLACE")) {
      replace = true;
    } else {
      K(n, "ALTER");
      or_alter = true;
    }
  }
  bool temporary = false;
  bool system = false;
  if (AK(n, "TEMPORARY")) {
    temporary = true;
    system = AK(n, "SYSTEM");
  } else if (W("SYSTEM")) {
    if (W("FUNCTION", 1)) {
      FailAt(Tok(), "syntax",
             "CREATE SYSTEM FUNCTION is not supported, system functions can only be registered "
             "as temporary function, you can use CREATE TEMPORARY SYSTEM FUNCTION instead.");
    }
    if (W("CONNECTION", 1)) {
      FailAt(Tok(), "syntax",
             "CREATE SYSTEM CONNECTION is not supported, system connections can only be "
             "registered as temporary connection, you can use CREATE TEMPORARY SYSTEM "
             "CONNECTION instead.");
    }
    Fail();
  }
  if (or_alter) {
    if (!W("MATERIALIZED")) Fail();
    Requires(FlinkVersion::k2_3, "CREATE OR ALTER MATERIALIZED TABLE", create.begin, create.end);
    *kind = StatementKind::kCreateMaterializedTable;
    return CreateMaterializedTable(n, true);
  }
  if (W("MATERIALIZED")) {
    if (replace) FailAt(Tok(), "syntax", "REPLACE MATERIALIZED TABLE is not supported.");
    if (temporary) {
      FailAt(Tok(), "syntax", "CREATE TEMPORARY MATERIALIZED TABLE is not supported.");
    }
    Requires(FlinkVersion::k1_20, "CREATE MATERIALIZED TABLE", create.begin, create.end);
    *kind = StatementKind::kCreateMaterializedTable;
    return CreateMaterializedTable(n, false);
  }
  if (W("TABLE")) {
    CreateTable(n, replace, kind);
    if (replace && *kind != StatementKind::kReplaceTableAs && !in_explain_) {
      if (!AtEnd()) Fail();
      throw Failure{ParseIssue{"syntax", "CREATE OR REPLACE TABLE needs a query: add AS SELECT ...",
                               prev_end_ > 0 ? prev_end_ - 1 : 0, prev_end_}};
    }
    if (*kind == StatementKind::kCreateTableAs && n->Child(NodeKind::kOption) != nullptr) {
      for (const Node* c = n->first; c != nullptr; c = c->next) {
        if (c->kind == NodeKind::kOption && c->HasKeyword("CONNECTION")) {
          FailAt(create, "syntax",
                 "USING CONNECTION clause is not supported with CREATE TABLE AS SELECT or "
                 "REPLACE TABLE AS SELECT statements.");
        }
      }
    }
    return Fin(n);
  }
  if (AK(n, "VIEW")) {
    *kind = StatementKind::kCreateView;
    if (AK(n, "IF")) {
      K(n, "NOT");
      K(n, "EXISTS");
    }
    n->Append(CompoundName());
    if (S("(")) n->Append(NameList(true));
    if (W("COMMENT")) n->Append(CommentClause());
    K(n, "AS");
    n->Append(Query());
    return Fin(n);
  }
  if (AK(n, "FUNCTION")) {
    *kind = StatementKind::kCreateFunction;
    if (AK(n, "IF")) {
      K(n, "NOT");
      K(n, "EXISTS");
    }
    if (system) {
      n->Append(SimpleName());
      if (S(".")) Fail();
    } else {
      n->Append(CompoundName());
    }
    K(n, "AS");
    n->Append(StringLit());
    const Token* language = nullptr;
    if (AK(n, "LANGUAGE")) {
      if (!IsWordAny()) Fail();
      language = &Tok();
      n->Append(Leaf(NodeKind::kKeyword));
    }
    if (W("USING")) {
      if (language != nullptr) {
        std::string lang = UpperAscii(Text(*language));
        if (lang == "SQL" || lang == "PYTHON") {
          FailAt(*language, "syntax",
                 "CREATE FUNCTION USING JAR/ARTIFACT syntax is not applicable to " + lang +
                     " language.");
        }
      }
      K(n, "USING");
      do {
        if (!W("JAR") && !W("ARTIFACT")) Fail();
        n->Append(Leaf(NodeKind::kKeyword));
        n->Append(StringLit());
      } while (ASy(n, ","));
    }
    if (AK(n, "WITH")) n->Append(PropertyList());
    return Fin(n);
  }
  if (AK(n, "CATALOG")) {
    *kind = StatementKind::kCreateCatalog;
    if (AK(n, "IF")) {
      K(n, "NOT");
      K(n, "EXISTS");
    }
    n->Append(SimpleName());
    if (W("COMMENT")) n->Append(CommentClause());
    if (AK(n, "WITH")) n->Append(PropertyList());
    return Fin(n);
  }
  if (AK(n, "DATABASE")) {
    *kind = StatementKind::kCreateDatabase;
    if (AK(n, "IF")) {
      K(n, "NOT");
      K(n, "EXISTS");
    }
    n->Append(CompoundName());
    if (W("COMMENT")) n->Append(CommentClause());
    if (AK(n, "WITH")) n->Append(PropertyList());
    return Fin(n);
  }
  if (W("MODEL")) {
    Requires(FlinkVersion::k1_20, "CREATE MODEL", create.begin, create.end);
    K(n, "MODEL");
    *kind = StatementKind::kCreateModel;
    if (AK(n, "IF")) {
      K(n, "NOT");
      K(n, "EXISTS");
    }
    n->Append(CompoundName());
    if (AK(n, "INPUT")) TableElements(n, false);
    if (AK(n, "OUTPUT")) TableElements(n, false);
    if (W("COMMENT")) n->Append(CommentClause());
    if (AK(n, "WITH")) n->Append(PropertyList());
    if (AK(n, "AS")) n->Append(Query());
    return Fin(n);
  }
  if (W("CONNECTION")) {
    Requires(FlinkVersion::k2_3, "CREATE CONNECTION", create.begin, create.end);
    K(n, "CONNECTION");
    *kind = StatementKind::kCreateConnection;
    if (AK(n, "IF")) {
      K(n, "NOT");
      K(n, "EXISTS");
    }
    n->Append(CompoundName());
    if (W("COMMENT")) n->Append(CommentClause());
    K(n, "WITH");
    n->Append(PropertyList());
    return Fin(n);
  }
  Fail();
}

Node* Parser::CreateTable(Node* n, bool replace, StatementKind* kind) {
  *kind = replace ? StatementKind::kReplaceTableAs : StatementKind::kCreateTable;
  K(n, "TABLE");
  if (AK(n, "IF")) {
    K(n, "NOT");
    K(n, "EXISTS");
  }
  n->Append(CompoundName());
  bool names_only = false;
  if (S("(")) {
    names_only = IsIdent(1) && (S(",", 2) || S(")", 2));
    if (names_only) {
      n->Append(NameList(true));
    } else {
      TableElements(n, false);
    }
  }
  // Flink's order: [COMMENT] [DISTRIBUTED ...] [PARTITIONED BY] [WITH]; USING CONNECTION
  // anywhere before WITH.
  int stage = 0;
  bool connection = false;
  *kind = StatementKind::kCreateTable;
  while (true) {
    if (stage < 1 && W("COMMENT")) {
      stage = 1;
      n->Append(CommentClause());
    } else if (!connection && !replace && stage < 4 && W("USING") && W("CONNECTION", 1)) {
      connection = true;
      Requires(FlinkVersion::k2_3, "USING CONNECTION", Tok().begin, Tok().end);
      Node* c = New(NodeKind::kOption);
      K(c, "USING");
      K(c, "CONNECTION");
      c->Append(CompoundName());
      n->Append(Fin(c));
    } else if (stage < 2 && W("DISTRIBUTED")) {
      stage = 2;
      Distribution(n, false);
    } else if (stage < 3 && W("PARTITIONED")) {
      stage = 3;
      Node* c = New(NodeKind::kPartitionedBy);
      K(c, "PARTITIONED");
      K(c, "BY");
      c->Append(NameList(true));
      n->Append(Fin(c));
    } else if (stage < 4 && W("WITH")) {
      stage = 4;
      K(n, "WITH");
      n->Append(PropertyList());
    } else {
      break;
    }
  }
  if (W("LIKE")) {
    n->Append(LikeClause());
    return n;
  }
  if (AK(n, "AS")) {
    n->Append(Query());
    *kind = replace ? StatementKind::kReplaceTableAs : StatementKind::kCreateTableAs;
    return n;
  }
  if (names_only) {
    Expect("AS");
    Fail();
  }
  return n;
}

Node* Parser::TableElements(Node* p, bool for_alter) {
  Node* list = New(NodeKind::kColumnList);
  Sy(list, "(");
  bool watermark = false;
  do {
    if (W("WATERMARK")) {
      if (watermark) {
        FailAt(Tok(), "syntax", "Multiple WATERMARK declarations are not supported yet.");
      }
      watermark = true;
    }
    list->Append(TableElement(for_alter));
  } while (ASy(list, ","));
  Sy(list, ")");
  p->Append(Fin(list));
  return p;
}

Node* Parser::TableElement(bool for_alter) {
  if (W("WATERMARK")) return Watermark();
  if (W("CONSTRAINT") || W("PRIMARY") || W("UNIQUE")) return Constraint();
  return ColumnDef(for_alter);
}

Node* Parser::ColumnDef(bool for_alter) {
  Node* c = New(NodeKind::kColumnDef);
  c->Append(for_alter ? CompoundName() : SimpleName());
  if (AK(c, "AS")) {
    c->kind = NodeKind::kComputedColumn;
    if (S("(") && IsQueryStart(1)) {
      FailAt(Tok(), "syntax", "Query expression encountered in illegal context");
    }
    c->Append(Expr());
  } else {
    c->Append(Type());
    if (AK(c, "METADATA")) {
      c->kind = NodeKind::kMetadataColumn;
      if (AK(c, "FROM")) c->Append(StringLit());
      AK(c, "VIRTUAL");
    }
  }
  bool constraint = false, comment = false;
  while (true) {
    if (!constraint && (W("CONSTRAINT") || W("PRIMARY") || W("UNIQUE"))) {
      constraint = true;
      c->Append(Constraint());
    } else if (!comment && W("COMMENT")) {
      comment = true;
      c->Append(CommentClause());
    } else {
      break;
    }
  }
  if (for_alter) {
    if (AK(c, "FIRST")) {
    } else if (AK(c, "AFTER")) {
      c->Append(CompoundName());
    }
  }
  return Fin(c);
}

Node* Parser::Watermark() {
  Node* w = New(NodeKind::kWatermark);
  K(w, "WATERMARK");
  K(w, "FOR");
  w->Append(CompoundName());
  K(w, "AS");
  if (S("(") && IsQueryStart(1)) {
    FailAt(Tok(), "syntax", "Query expression encountered in illegal context");
  }
  w->Append(Expr());
  return Fin(w);
}

Node* Parser::Constraint() {
  Node* c = New(NodeKind::kConstraint);
  if (AK(c, "CONSTRAINT")) c->Append(SimpleName());
  if (AK(c, "PRIMARY")) {
    K(c, "KEY");
  } else {
    K(c, "UNIQUE");
  }
  if (S("(")) c->Append(NameList(true));
  if (AK(c, "NOT")) {
    K(c, "ENFORCED");
  } else {
    AK(c, "ENFORCED");
  }
  return Fin(c);
}

Node* Parser::Distribution(Node* p, bool alter) {
  Node* d = New(NodeKind::kDistribution);
  const Token& start = Tok();
  K(d, alter ? "DISTRIBUTION" : "DISTRIBUTED");
  Requires(FlinkVersion::k1_20, alter ? "DISTRIBUTION" : "DISTRIBUTED BY", start.begin, start.end);
  bool by = false;
  if (AK(d, "BY")) {
    by = true;
    if (AK(d, "HASH") || AK(d, "RANGE")) {
      d->Append(NameList(true));
    } else if (S("(")) {
      d->Append(NameList(true));
    } else {
      Fail();
    }
  }
  if (W("INTO") || !by) {
    K(d, "INTO");
    if (Tok().kind != TokenKind::kNumber) {
      Expect("<UNSIGNED_INTEGER_LITERAL>");
      Fail();
    }
    d->Append(Leaf(NodeKind::kNumber));
    K(d, "BUCKETS");
  }
  p->Append(Fin(d));
  return p;
}

Node* Parser::LikeClause() {
  Node* l = New(NodeKind::kLikeClause);
  K(l, "LIKE");
  l->Append(CompoundName());
  if (ASy(l, "(")) {
    do {
      if (!AK(l, "INCLUDING") && !AK(l, "EXCLUDING")) K(l, "OVERWRITING");
      if (!AK(l, "ALL") && !AK(l, "CONSTRAINTS") && !AK(l, "DISTRIBUTION") && !AK(l, "GENERATED") &&
          !AK(l, "METADATA") && !AK(l, "OPTIONS") && !AK(l, "PARTITIONS")) {
        K(l, "WATERMARKS");
      }
    } while (W("INCLUDING") || W("EXCLUDING") || W("OVERWRITING"));
    Sy(l, ")");
  }
  return Fin(l);
}

Node* Parser::FreshnessInterval(Node* p) {
  if (!W("INTERVAL")) {
    Node* e = Expr();
    FailNode(e, "syntax", std::string(kFreshnessMessage));
  }
  Node* i = IntervalExpr();
  const Node* value = i->first != nullptr ? i->first->next : nullptr;
  if (value != nullptr && value->kind == NodeKind::kSymbol) value = value->next;
  if (value == nullptr ||
      !(value->kind == NodeKind::kString || value->kind == NodeKind::kExprList)) {
    FailNode(i->last, "syntax", std::string(kFreshnessMessage));
  }
  p->Append(i);
  return p;
}

Node* Parser::CreateMaterializedTable(Node* n, bool) {
  K(n, "MATERIALIZED");
  K(n, "TABLE");
  if (AK(n, "IF")) {
    K(n, "NOT");
    K(n, "EXISTS");
  }
  n->Append(CompoundName());
  if (S("(")) {
    if (IsIdent(1) && (S(",", 2) || S(")", 2))) {
      n->Append(NameList(true));
    } else {
      TableElements(n, false);
    }
  }
  int stage = 0;  // [COMMENT] [DISTRIBUTED] [PARTITIONED BY] [WITH], then the rest
  bool start_mode = false, freshness = false, refresh = false;
  while (true) {
    if (stage < 1 && W("COMMENT")) {
      stage = 1;
      n->Append(CommentClause());
    } else if (stage < 2 && W("DISTRIBUTED")) {
      stage = 2;
      Distribution(n, false);
    } else if (stage < 3 && W("PARTITIONED")) {
      stage = 3;
      Node* c = New(NodeKind::kPartitionedBy);
      K(c, "PARTITIONED");
      K(c, "BY");
      c->Append(NameList(true));
      n->Append(Fin(c));
    } else if (stage < 4 && W("WITH")) {
      stage = 4;
      K(n, "WITH");
      n->Append(PropertyList());
    } else if (!start_mode && W("START_MODE")) {
      start_mode = true;
      stage = 4;
      Node* c = New(NodeKind::kOption);
      K(c, "START_MODE");
      Sy(c, "=");
      if (!IsWordAny()) Fail();
      std::string mode = UpperAscii(Text());
      if (mode != "FROM_BEGINNING" && mode != "FROM_NOW" && mode != "FROM_TIMESTAMP" &&
          mode != "RESUME_OR_FROM_BEGINNING" && mode != "RESUME_OR_FROM_NOW" &&
          mode != "RESUME_OR_FROM_TIMESTAMP") {
        Expect("FROM_BEGINNING");
        Expect("FROM_NOW");
        Expect("FROM_TIMESTAMP");
        Fail();
      }
      c->Append(Leaf(NodeKind::kKeyword));
      bool is_now = mode == "FROM_NOW" || mode == "RESUME_OR_FROM_NOW";
      bool is_ts = mode == "FROM_TIMESTAMP" || mode == "RESUME_OR_FROM_TIMESTAMP";
      if (is_ts || (is_now && S("("))) {
        Sy(c, "(");
        if (is_now) {
          if (W("TIMESTAMP") || W("DATE") || W("TIME")) {
            FailAt(IsString(1) ? Tok(1) : Tok(), "syntax",
                   "START_MODE literal must be an interval for FROM_NOW and "
                   "RESUME_OR_FROM_NOW modes");
          }
          if (!W("INTERVAL")) Fail();
          c->Append(IntervalExpr());
        } else {
          if (!W("TIMESTAMP")) Fail();
          c->Append(Primary());
        }
        Sy(c, ")");
      }
      n->Append(Fin(c));
    } else if (!freshness && W("FRESHNESS")) {
      freshness = true;
      stage = 4;
      Node* c = New(NodeKind::kOption);
      K(c, "FRESHNESS");
      Sy(c, "=");
      FreshnessInterval(c);
      n->Append(Fin(c));
    } else if (!refresh && W("REFRESH_MODE")) {
      refresh = true;
      stage = 4;
      Node* c = New(NodeKind::kOption);
      K(c, "REFRESH_MODE");
      Sy(c, "=");
      if (!AK(c, "FULL")) K(c, "CONTINUOUS");
      n->Append(Fin(c));
    } else {
      break;
    }
  }
  K(n, "AS");
  n->Append(Query());
  return Fin(n);
}

Node* Parser::Alter(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  const Token& start = Tok();
  K(n, "ALTER");
  if (W("TABLE")) {
    *kind = StatementKind::kAlterTable;
    return AlterTable(n, false);
  }
  if (W("MATERIALIZED")) {
    Requires(FlinkVersion::k1_20, "ALTER MATERIALIZED TABLE", start.begin, start.end);
    *kind = StatementKind::kAlterMaterializedTable;
    K(n, "MATERIALIZED");
    return AlterTable(n, true);
  }
  if (AK(n, "VIEW")) {
    *kind = StatementKind::kAlterView;
    n->Append(CompoundName());
    if (AK(n, "RENAME")) {
      K(n, "TO");
      n->Append(CompoundName());
    } else {
      K(n, "AS");
      n->Append(Query());
    }
    return Fin(n);
  }
  if (W("TEMPORARY") || W("FUNCTION")) {
    *kind = StatementKind::kAlterFunction;
    if (AK(n, "TEMPORARY")) AK(n, "SYSTEM");
    K(n, "FUNCTION");
    if (AK(n, "IF")) K(n, "EXISTS");
    n->Append(CompoundName());
    K(n, "AS");
    n->Append(StringLit());
    if (AK(n, "LANGUAGE")) {
      if (!IsWordAny()) Fail();
      n->Append(Leaf(NodeKind::kKeyword));
    }
    return Fin(n);
  }
  if (AK(n, "DATABASE")) {
    *kind = StatementKind::kAlterDatabase;
    n->Append(CompoundName());
    K(n, "SET");
    n->Append(PropertyList());
    return Fin(n);
  }
  if (W("CATALOG")) {
    Requires(FlinkVersion::k1_20, "ALTER CATALOG", start.begin, start.end);
    *kind = StatementKind::kAlterCatalog;
    K(n, "CATALOG");
    n->Append(SimpleName());
    if (AK(n, "SET")) {
      n->Append(PropertyList());
    } else if (AK(n, "RESET")) {
      n->Append(KeyList());
    } else {
      n->Append(CommentClause());
    }
    return Fin(n);
  }
  if (W("MODEL") || W("CONNECTION")) {
    bool model = W("MODEL");
    Requires(model ? FlinkVersion::k1_20 : FlinkVersion::k2_3,
             model ? "ALTER MODEL" : "ALTER CONNECTION", start.begin, start.end);
    *kind = model ? StatementKind::kAlterModel : StatementKind::kAlterConnection;
    n->Append(Leaf(NodeKind::kKeyword));
    if (AK(n, "IF")) K(n, "EXISTS");
    n->Append(CompoundName());
    if (AK(n, "SET")) {
      n->Append(PropertyList());
    } else if (AK(n, "RESET")) {
      n->Append(KeyList());
    } else {
      K(n, "RENAME");
      K(n, "TO");
      n->Append(CompoundName());
    }
    return Fin(n);
  }
  Fail();
}

Node* Parser::AlterSchemaChange(Node* p) {
  if (S("(")) return TableElements(p, true);
  p->Append(TableElement(true));
  return p;
}

Node* Parser::AlterTable(Node* n, bool materialized) {
  K(n, "TABLE");
  if (AK(n, "IF")) K(n, "EXISTS");
  n->Append(CompoundName());
  if (materialized) {
    if (AK(n, "SUSPEND")) return Fin(n);
    if (AK(n, "RESUME")) {
      if (AK(n, "WITH")) n->Append(PropertyList());
      return Fin(n);
    }
    if (AK(n, "REFRESH")) {
      if (W("PARTITION")) n->Append(PartitionSpec(false));
      return Fin(n);
    }
    if (AK(n, "SET")) {
      if (AK(n, "REFRESH_MODE")) {
        Sy(n, "=");
        if (!AK(n, "FULL")) K(n, "CONTINUOUS");
      } else if (AK(n, "FRESHNESS")) {
        Sy(n, "=");
        FreshnessInterval(n);
      } else {
        if (!S("(")) {
          Expect("FRESHNESS");
          Expect("REFRESH_MODE");
          Fail();
        }
        n->Append(PropertyList());
      }
      return Fin(n);
    }
    if (AK(n, "RESET")) {
      n->Append(KeyList());
      return Fin(n);
    }
    if (AK(n, "AS")) {
      n->Append(Query());
      return Fin(n);
    }
  } else {
    if (AK(n, "RENAME")) {
      if (AK(n, "TO")) {
        n->Append(CompoundName());
      } else {
        n->Append(CompoundName());
        K(n, "TO");
        n->Append(CompoundName());
      }
      return Fin(n);
    }
    if (AK(n, "SET")) {
      n->Append(PropertyList());
      return Fin(n);
    }
    if (AK(n, "RESET")) {
      n->Append(KeyList());
      return Fin(n);
    }
    if (W("PARTITION") || W("COMPACT")) {
      if (W("PARTITION")) n->Append(PartitionSpec(false));
      K(n, "COMPACT");
      return Fin(n);
    }
  }
  if (AK(n, "ADD")) {
    if (!materialized && (W("PARTITION") || (W("IF") && W("NOT", 1)))) {
      if (AK(n, "IF")) {
        K(n, "NOT");
        K(n, "EXISTS");
      }
      if (!W("PARTITION")) Fail();
      while (W("PARTITION")) {
        n->Append(PartitionSpec(false));
        if (AK(n, "WITH")) n->Append(PropertyList());
      }
      return Fin(n);
    }
    if (W("DISTRIBUTION")) {
      Distribution(n, true);
      return Fin(n);
    }
    AlterSchemaChange(n);
    return Fin(n);
  }
  if (AK(n, "MODIFY")) {
    if (W("DISTRIBUTION")) {
      Distribution(n, true);
      return Fin(n);
    }
    AlterSchemaChange(n);
    return Fin(n);
  }
  if (AK(n, "DROP")) {
    if (AK(n, "PRIMARY")) {
      K(n, "KEY");
    } else if (AK(n, "CONSTRAINT")) {
      n->Append(SimpleName());
    } else if (AK(n, "WATERMARK") || AK(n, "DISTRIBUTION")) {
    } else if (!materialized && (W("PARTITION") || (W("IF") && W("EXISTS", 1)))) {
      if (AK(n, "IF")) K(n, "EXISTS");
      n->Append(PartitionSpec(false));
      while (ASy(n, ","))
        n->Append(PartitionSpec(false));
    } else if (S("(")) {
      n->Append(NameList());
    } else {
      n->Append(CompoundName());
    }
    return Fin(n);
  }
  Fail();
}

Node* Parser::Drop(StatementKind* kind) {
  Node* n = New(NodeKind::kOption);
  const Token& start = Tok();
  K(n, "DROP");
  bool temporary = AK(n, "TEMPORARY");
  bool system = false;
  if (W("SYSTEM") && !temporary && W("CONNECTION", 1)) {
    FailAt(Tok(), "syntax",
           "DROP SYSTEM CONNECTION is not supported, system connections can only be dropped as "
           "temporary connection, you can use DROP TEMPORARY SYSTEM CONNECTION instead.");
  }
  if (temporary) system = AK(n, "SYSTEM");
  auto if_exists = [&]() {
    if (AK(n, "IF")) K(n, "EXISTS");
  };
  if (!system && AK(n, "TABLE")) {
    *kind = StatementKind::kDropTable;
  } else if (!system && AK(n, "VIEW")) {
    *kind = StatementKind::kDropView;
  } else if (AK(n, "FUNCTION")) {
    *kind = StatementKind::kDropFunction;
  } else if (!temporary && AK(n, "CATALOG")) {
    *kind = StatementKind::kDropCatalog;
  } else if (!temporary && AK(n, "DATABASE")) {
    *kind = StatementKind::kDropDatabase;
    if_exists();
    n->Append(CompoundName());
    if (!AK(n, "RESTRICT")) AK(n, "CASCADE");
    return Fin(n);
  } else if (!system && W("MATERIALIZED")) {
    if (temporary) FailAt(Tok(), "syntax", "DROP TEMPORARY MATERIALIZED TABLE is not supported.");
    Requires(FlinkVersion::k1_20, "DROP MATERIALIZED TABLE", start.begin, start.end);
    *kind = StatementKind::kDropMaterializedTable;
    K(n, "MATERIALIZED");
    K(n, "TABLE");
  } else if (!system && W("MODEL")) {
    Requires(FlinkVersion::k1_20, "DROP MODEL", start.begin, start.end);
    *kind = StatementKind::kDropModel;
    K(n, "MODEL");
  } else if (W("CONNECTION")) {
    Requires(FlinkVersion::k2_3, "DROP CONNECTION", start.begin, start.end);
    *kind = StatementKind::kDropConnection;
    K(n, "CONNECTION");
  } else {
    Fail();
  }
  if_exists();
  n->Append(CompoundName());
  return Fin(n);
}

}  // namespace sluice::sql::internal
