#include "sql/analyzer.h"

#include <algorithm>
#include <set>

#include "common/redact.h"
#include "common/strings.h"
#include "sql/analyzer_internal.h"
#include "sql/connectors.h"
#include "sql/parser.h"
#include "sql/printer.h"

namespace sluice::sql {
namespace {

bool IsKeyword(const Node* n, std::string_view word) {
  return n != nullptr && n->kind == NodeKind::kKeyword && EqualsIgnoreCase(n->text, word);
}

// The value of a string literal, or of a legacy SET key/value as written.
std::string LiteralOrRaw(const Node& n) {
  if (n.kind == NodeKind::kRaw) {
    std::string_view t = n.text;
    if (t.size() >= 2 && t.front() == '\'' && t.back() == '\'') {
      Node tmp = n;
      tmp.kind = NodeKind::kString;
      return StringValue(tmp);
    }
    return std::string(t);
  }
  return StringValue(n);
}

bool IsQueryNode(const Node* n) {
  if (n == nullptr) return false;
  switch (n->kind) {
    case NodeKind::kQuery:
    case NodeKind::kSelect:
    case NodeKind::kSetOp:
    case NodeKind::kValues:
    case NodeKind::kSubquery:
      return true;
    case NodeKind::kTableRef:
      return IsKeyword(n->first, "TABLE");
    default:
      return false;
  }
}

// Tables a query reads: named table references, less the names of its WITH items.
void CollectTableRefs(const Node* n, std::vector<std::string>& refs, std::set<std::string>& ctes) {
  if (n == nullptr || n->is_leaf()) return;
  if (n->kind == NodeKind::kWithItem && n->first != nullptr && n->first->kind == NodeKind::kName) {
    ctes.insert(NameText(*n->first));
  }
  if (n->kind == NodeKind::kTableRef) {
    const Node* name = n->first;
    if (IsKeyword(name, "TABLE")) name = name->next;
    if (name != nullptr && name->kind == NodeKind::kName) {
      std::string t = NameText(*name);
      if (std::find(refs.begin(), refs.end(), t) == refs.end()) refs.push_back(t);
    }
  }
  for (const Node* c = n->first; c != nullptr; c = c->next)
    CollectTableRefs(c, refs, ctes);
}

std::vector<std::string> TablesRead(const Node* query) {
  std::vector<std::string> refs;
  std::set<std::string> ctes;
  CollectTableRefs(query, refs, ctes);
  refs.erase(std::remove_if(refs.begin(), refs.end(),
                            [&](const std::string& r) { return ctes.count(r) > 0; }),
             refs.end());
  return refs;
}

std::vector<std::string> Names(const Node* list) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  for (const Node* c = list->first; c != nullptr; c = c->next) {
    if (c->kind == NodeKind::kName || c->kind == NodeKind::kIdentifier) out.push_back(NameText(*c));
  }
  return out;
}

constexpr std::string_view kEnforcedMessage =
    "Flink doesn't support ENFORCED mode for PRIMARY KEY constraint. ENFORCED/NOT ENFORCED "
    "controls if the constraint checks are performed on the incoming/outgoing data. Flink "
    "does not own the data therefore the only supported mode is the NOT ENFORCED mode";

class Analyzer {
 public:
  Analyzer(CheckResult& r, CheckResult::State& st, const Options& o) : r_(r), st_(st), o_(o) {}

  void Run(bool script_checks) {
    const std::vector<StatementRange> ranges = SplitTokens(st_.lexed.tokens, st_.script);
    for (const StatementRange& range : ranges)
      Statement(range);
    if (script_checks) Finish();
  }

 private:
  SourceSpan Span(uint32_t begin, uint32_t end_exclusive) const {
    uint32_t last = end_exclusive > begin ? end_exclusive - 1 : begin;
    return SourceSpan{st_.lines->At(begin), st_.lines->At(last)};
  }
  SourceSpan Span(const Node& n) const { return Span(n.begin, n.end); }

  void Add(Severity s, std::string code, std::string message, SourceSpan span) {
    r_.diagnostics.push_back(Diagnostic{s, std::move(code), std::move(message), span});
  }
  void Error(std::string code, std::string message, const Node& at) {
    Add(Severity::kError, std::move(code), std::move(message), Span(at));
  }
  void Warn(std::string code, std::string message, const Node& at) {
    Add(Severity::kWarning, std::move(code), std::move(message), Span(at));
  }
  // What Flink's parser accepts but its validation rejects when the statement runs. These
  // are warnings: `check` errors mean exactly what Flink's parser rejects.
  void Rejected(std::string code, std::string message, const Node& at) {
    Warn(std::move(code),
         message +
             " (Flink's parser accepts this, but Flink rejects it when it validates the statement)",
         at);
  }

  void Statement(const StatementRange& range) {
    ParseInput in;
    in.script = st_.script;
    in.tokens = &st_.lexed.tokens;
    in.first = range.first_token;
    in.last = range.last_token;
    in.region_end = range.region_end;
    in.lines = st_.lines.get();
    in.version = o_.version;
    ParsedStatement p = ParseStatement(in, st_.arena);
    sql::Statement s;
    s.kind = p.kind;
    s.span = Span(range.begin, range.terminated ? range.region_end + 1 : range.end);
    s.text = std::string_view(st_.script).substr(range.begin, range.end - range.begin);
    s.ast = p.ok ? p.root : nullptr;
    s.ok = p.ok;
    index_ = r_.statements.size();
    r_.statements.push_back(s);
    if (!p.ok) {
      std::string code = p.error.code == "syntax" ? "syntax-error" : p.error.code;
      Add(Severity::kError, code, p.error.message, Span(p.error.begin, p.error.end));
    }
    for (const ParseIssue& w : p.warnings) {
      Add(Severity::kWarning, w.code, w.message, Span(w.begin, w.end));
    }
    if (p.ok) Analyze(p.kind, *p.root->first);
  }

  void Analyze(StatementKind kind, const Node& body) {
    switch (kind) {
      case StatementKind::kSet:
        SetOption(body);
        break;
      case StatementKind::kReset:
        ResetOption(body);
        break;
      case StatementKind::kCreateTable:
      case StatementKind::kCreateTableAs:
      case StatementKind::kReplaceTableAs:
      case StatementKind::kCreateMaterializedTable:
      case StatementKind::kCreateView:
        DefineTable(kind, body);
        break;
      case StatementKind::kInsert:
        Insert(body);
        break;
      case StatementKind::kExecuteStatementSet:
      case StatementKind::kExecute:
      case StatementKind::kCompileAndExecutePlan:
        ++st_.facts.jobs;
        for (const Node* c = body.first; c != nullptr; c = c->next) {
          if (c->kind == NodeKind::kInsert) Insert(*c);
          if (c->kind == NodeKind::kStatementSet) {
            for (const Node* i = c->first; i != nullptr; i = i->next) {
              if (i->kind == NodeKind::kInsert) Insert(*i);
            }
          }
          if (kind == StatementKind::kExecute && IsQueryNode(c)) SelectStatement(body);
        }
        break;
      case StatementKind::kExecutePlan:
        ++st_.facts.jobs;
        break;
      case StatementKind::kSelect:
        SelectStatement(body);
        break;
      case StatementKind::kUse:
      case StatementKind::kUseCatalog:
      case StatementKind::kCreateCatalog:
        st_.facts.catalog_in_use = true;
        break;
      case StatementKind::kAlterTable:
        for (const Node* c = body.first; c != nullptr; c = c->next) {
          if (c->kind == NodeKind::kColumnList) CheckConstraints(*c);
          if (c->kind == NodeKind::kConstraint) CheckConstraint(*c);
        }
        break;
      case StatementKind::kCreateModel:
        CheckModel(body);
        break;
      default:
        break;
    }
  }

  void SetOption(const Node& body) {
    const Node* p = body.Child(NodeKind::kProperty);
    if (p == nullptr || p->first == nullptr) return;
    const Node* value = p->last;
    std::string key = LiteralOrRaw(*p->first);
    r_.set_options[key] = value != nullptr && value != p->first && value->kind != NodeKind::kSymbol
                              ? LiteralOrRaw(*value)
                              : "";
  }

  void ResetOption(const Node& body) {
    const Node* key = body.first != nullptr ? body.first->next : nullptr;
    if (key == nullptr) {
      r_.set_options.clear();
    } else {
      r_.set_options.erase(LiteralOrRaw(*key));
    }
  }

  void SelectStatement(const Node& body) {
    if (o_.application_mode) {
      Warn("select-in-application-mode",
           "a SELECT in an application-mode job has no client to show its rows to; write "
           "the result into a table with INSERT INTO",
           body);
    }
  }

  // Tables a query reads, with views replaced by what they read.
  std::vector<std::string> Expand(const std::vector<std::string>& refs, int depth = 0) {
    std::vector<std::string> out;
    for (const std::string& ref : refs) {
      auto it = views_.find(ref);
      std::vector<std::string> add;
      if (it != views_.end() && depth < 32) {
        add = Expand(it->second, depth + 1);
      } else {
        add.push_back(ref);
      }
      for (std::string& a : add) {
        if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(std::move(a));
      }
    }
    return out;
  }

  void Insert(const Node& insert) {
    ++st_.facts.jobs;
    const Node* target_ref = insert.Child(NodeKind::kTableRef);
    if (target_ref == nullptr || target_ref->first == nullptr) return;
    std::string target = NameText(*target_ref->first);
    const Node* query = nullptr;
    const Node* cols = nullptr;
    for (const Node* c = insert.first; c != nullptr; c = c->next) {
      if (IsQueryNode(c)) query = c;
      if (c->kind == NodeKind::kColumnList && cols == nullptr) cols = c;
    }
    if (cols != nullptr) {
      bool typed = false, untyped = false;
      for (const Node* c = cols->first; c != nullptr; c = c->next) {
        if (c->kind != NodeKind::kColumnDef) continue;
        (c->ChildCount() > 1 ? typed : untyped) = true;
      }
      if (typed && untyped) {
        Rejected("invalid-statement",
                 "Extended columns not allowed under the current SQL conformance level", *cols);
      }
    }
    st_.facts.sinks.push_back(SinkUse{target, target_ref->first->begin, target_ref->first->end});
    for (const std::string& from : Expand(TablesRead(query))) {
      r_.edges.push_back(LineageEdge{from, target, index_});
    }
  }

  void CheckConstraint(const Node& c) {
    if (c.HasKeyword("UNIQUE")) {
      Rejected("invalid-ddl", "UNIQUE constraint is not supported yet", c);
      return;
    }
    if (!c.HasKeyword("NOT")) Rejected("invalid-ddl", std::string(kEnforcedMessage), c);
  }

  // Primary keys and UNIQUE in a column list: Flink takes one NOT ENFORCED primary key.
  void CheckConstraints(const Node& list) {
    int primary_keys = 0;
    for (const Node* e = list.first; e != nullptr; e = e->next) {
      const Node* c = nullptr;
      if (e->kind == NodeKind::kConstraint) c = e;
      if (e->kind == NodeKind::kColumnDef) c = e->Child(NodeKind::kConstraint);
      if (c == nullptr) continue;
      if (c->HasKeyword("PRIMARY") && ++primary_keys > 1) {
        Rejected("invalid-ddl", "Duplicate primary key definition", *c);
        continue;
      }
      CheckConstraint(*c);
    }
  }

  void CheckLike(const Node& like) {
    std::set<std::string> seen;
    for (const Node* c = like.first; c != nullptr; c = c->next) {
      if (!(IsKeyword(c, "INCLUDING") || IsKeyword(c, "EXCLUDING") ||
            IsKeyword(c, "OVERWRITING"))) {
        continue;
      }
      const Node* feature = c->next;
      if (feature == nullptr) break;
      std::string f(feature->text);
      for (char& ch : f)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (!seen.insert(f).second) {
        Rejected("invalid-ddl", "Each like option feature can be declared only once.", *feature);
      }
      if (IsKeyword(c, "OVERWRITING") &&
          (f == "ALL" || f == "CONSTRAINTS" || f == "DISTRIBUTION" || f == "PARTITIONS")) {
        Rejected("invalid-ddl", "Illegal merging strategy 'OVERWRITING' for '" + f + "' option.",
                 *feature);
      }
    }
  }

  void CheckModel(const Node& body) {
    bool query = false;
    for (const Node* c = body.first; c != nullptr; c = c->next)
      query = query || IsQueryNode(c);
    if (!query) return;
    if (body.HasKeyword("INPUT")) {
      Rejected("invalid-ddl",
               "CREATE MODEL AS SELECT syntax does not support to specify explicit input columns.",
               body);
    } else if (body.HasKeyword("OUTPUT")) {
      Rejected("invalid-ddl",
               "CREATE MODEL AS SELECT syntax does not support to specify explicit output columns.",
               body);
    }
  }

  void DefineTable(StatementKind kind, const Node& body) {
    Table t;
    t.statement = index_;
    t.kind = kind == StatementKind::kCreateView                ? TableKind::kView
             : kind == StatementKind::kCreateMaterializedTable ? TableKind::kMaterializedTable
                                                               : TableKind::kTable;
    t.temporary = body.HasKeyword("TEMPORARY");
    const Node* query = nullptr;
    bool with = false;
    for (const Node* c = body.first; c != nullptr; c = c->next) {
      switch (c->kind) {
        case NodeKind::kName:
          if (t.name.empty()) t.name = NameText(*c);
          break;
        case NodeKind::kColumnList:
          Columns(*c, t);
          if (t.kind == TableKind::kTable) CheckConstraints(*c);
          break;
        case NodeKind::kNameList:
          for (const std::string& n : Names(c))
            t.columns.push_back(Column{n});
          break;
        case NodeKind::kPartitionedBy:
          t.partition_keys = Names(c->Child(NodeKind::kNameList));
          break;
        case NodeKind::kPropertyList:
          if (with) Properties(*c, t);
          break;
        case NodeKind::kLikeClause:
          if (c->first != nullptr && c->first->next != nullptr) t.like = NameText(*c->first->next);
          CheckLike(*c);
          break;
        case NodeKind::kKeyword:
          with = EqualsIgnoreCase(c->text, "WITH");
          continue;
        default:
          if (IsQueryNode(c)) query = c;
          break;
      }
      with = false;
    }
    if (query != nullptr) {
      t.sources = Expand(TablesRead(query));
      if (t.temporary && kind == StatementKind::kCreateTableAs) {
        Rejected("invalid-ddl",
                 "CREATE TABLE AS SELECT syntax does not support to create temporary table yet.",
                 body);
      }
      if (t.temporary && kind == StatementKind::kReplaceTableAs) {
        Rejected(
            "invalid-ddl",
            body.HasKeyword("CREATE")
                ? "CREATE OR REPLACE TABLE AS SELECT syntax does not support temporary table yet."
                : "REPLACE TABLE AS SELECT syntax does not support temporary table yet.",
            body);
      }
    }
    if (t.kind == TableKind::kView) {
      views_[t.name] = t.sources;
    } else if (query != nullptr) {
      ++st_.facts.jobs;
      for (const std::string& from : t.sources) {
        r_.edges.push_back(LineageEdge{from, t.name, index_});
      }
    }
    if (!t.connector.empty() &&
        std::find(r_.connectors.begin(), r_.connectors.end(), t.connector) == r_.connectors.end()) {
      r_.connectors.push_back(t.connector);
    }
    st_.facts.defined.push_back(t.name);
    // A later definition of the same name replaces an earlier one.
    auto it = std::find_if(r_.tables.begin(), r_.tables.end(),
                           [&](const Table& x) { return x.name == t.name; });
    if (it != r_.tables.end()) {
      *it = std::move(t);
    } else {
      r_.tables.push_back(std::move(t));
    }
  }

  void Columns(const Node& list, Table& t) {
    for (const Node* e = list.first; e != nullptr; e = e->next) {
      if (e->kind == NodeKind::kWatermark) {
        const Node* name = e->Child(NodeKind::kName);
        const Node* expr = name != nullptr && name->next != nullptr ? name->next->next : nullptr;
        if (name != nullptr && expr != nullptr) t.watermark = {{NameText(*name), Print(*expr)}};
        continue;
      }
      if (e->kind == NodeKind::kConstraint) {
        if (e->HasKeyword("PRIMARY")) t.primary_key = Names(e->Child(NodeKind::kNameList));
        continue;
      }
      if (e->kind != NodeKind::kColumnDef && e->kind != NodeKind::kComputedColumn &&
          e->kind != NodeKind::kMetadataColumn) {
        continue;
      }
      Column c;
      c.name = NameText(*e->first);
      const Node* second = e->first->next;
      if (e->kind == NodeKind::kComputedColumn) {
        c.kind = ColumnKind::kComputed;
        if (second != nullptr && second->next != nullptr) c.expression = Print(*second->next);
      } else {
        c.kind =
            e->kind == NodeKind::kMetadataColumn ? ColumnKind::kMetadata : ColumnKind::kPhysical;
        if (second != nullptr) c.type = Print(*second);
        for (const Node* x = second; x != nullptr; x = x->next) {
          if (IsKeyword(x, "FROM") && x->next != nullptr) c.metadata_key = StringValue(*x->next);
          if (IsKeyword(x, "VIRTUAL")) c.is_virtual = true;
        }
        const Node* pk = e->Child(NodeKind::kConstraint);
        if (pk != nullptr && pk->HasKeyword("PRIMARY")) t.primary_key = {c.name};
      }
      t.columns.push_back(std::move(c));
    }
  }

  void Properties(const Node& list, Table& t) {
    std::vector<std::string> formats;
    for (const Node* p = list.first; p != nullptr; p = p->next) {
      if (p->kind != NodeKind::kProperty || p->first == nullptr) continue;
      TableOption o{StringValue(*p->first), StringValue(*p->last)};
      if (o.key == "connector") t.connector = o.value;
      if (o.key == "format" || o.key == "key.format" || o.key == "value.format") {
        formats.push_back(o.value);
      }
      t.options.push_back(std::move(o));
    }
    if (!IsBuiltinConnector(t.connector)) return;
    for (const Node* p = list.first; p != nullptr; p = p->next) {
      if (p->kind != NodeKind::kProperty || p->first == nullptr) continue;
      std::string problem = CheckConnectorOption(t.connector, StringValue(*p->first), formats);
      if (!problem.empty()) Warn("unknown-connector-option", problem, *p->first);
    }
  }

  void Finish() {
    bool parsed_all = std::all_of(r_.statements.begin(), r_.statements.end(),
                                  [](const sql::Statement& s) { return s.ok; });
    ScriptDiagnostics(
        st_.facts, parsed_all, r_.statements.empty() ? nullptr : &r_.statements.front().span,
        [this](uint32_t begin, uint32_t end) { return Span(begin, end); }, r_.diagnostics);
  }

  CheckResult& r_;
  CheckResult::State& st_;
  const Options& o_;
  size_t index_ = 0;
  std::map<std::string, std::vector<std::string>> views_;
};

}  // namespace

void ScriptDiagnostics(const ScriptFacts& facts, bool parsed_all, const SourceSpan* first_statement,
                       const std::function<SourceSpan(uint32_t, uint32_t)>& span,
                       std::vector<Diagnostic>& out) {
  // INSERT into a table the script never defines, with no catalog in use.
  if (!facts.catalog_in_use) {
    std::set<std::string> warned;
    for (const SinkUse& s : facts.sinks) {
      bool defined =
          std::find(facts.defined.begin(), facts.defined.end(), s.table) != facts.defined.end();
      if (!defined && warned.insert(s.table).second) {
        out.push_back(Diagnostic{
            Severity::kWarning, "unknown-sink-table",
            "INSERT INTO " + s.table +
                ": the script defines no such table and uses no catalog (USE CATALOG ...); "
                "Flink will not find it",
            span(s.begin, s.end)});
      }
    }
  }
  if (facts.jobs == 0 && parsed_all && first_statement != nullptr) {
    out.push_back(Diagnostic{
        Severity::kWarning, "no-job",
        "the script has no INSERT, statement set or CREATE TABLE ... AS: it starts no job",
        *first_statement});
  }
}

std::string_view SeverityName(Severity s) {
  return s == Severity::kError ? "error" : "warning";
}

CheckResult::CheckResult() : state_(std::make_shared<State>()) {}

const std::string& CheckResult::script() const {
  return state_->script;
}

bool CheckResult::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

const Table* CheckResult::FindTable(std::string_view name) const {
  for (const Table& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

namespace {

void SecretSpans(const Node* n, std::vector<std::pair<uint32_t, uint32_t>>& spans) {
  if (n == nullptr || n->is_leaf()) return;
  if (n->kind == NodeKind::kProperty && n->first != nullptr && n->last != nullptr &&
      n->last != n->first && n->last->kind != NodeKind::kSymbol) {
    std::string key =
        n->first->kind == NodeKind::kRaw ? std::string(n->first->text) : StringValue(*n->first);
    if (IsSecretKey(key)) spans.emplace_back(n->last->begin, n->last->end);
  }
  for (const Node* c = n->first; c != nullptr; c = c->next)
    SecretSpans(c, spans);
}

}  // namespace

namespace {

// 'key' = 'value' pairs anywhere (also in statements that did not parse), and the
// client's SET key = value, whose keys name secrets.
void FindSecrets(const CheckResult& r, CheckResult::State& st) {
  const std::vector<Token>& t = st.lexed.tokens;
  for (size_t i = 0; i + 2 < t.size(); ++i) {
    if (t[i].kind != TokenKind::kString || t[i + 1].kind != TokenKind::kSymbol ||
        st.script[t[i + 1].begin] != '=' || t[i + 2].kind != TokenKind::kString) {
      continue;
    }
    Node key;
    key.kind = NodeKind::kString;
    key.text = std::string_view(st.script).substr(t[i].begin, t[i].end - t[i].begin);
    if (!IsSecretKey(StringValue(key))) continue;
    size_t j = i + 2;
    while (j + 1 < t.size() && t[j + 1].kind == TokenKind::kString)
      ++j;
    st.secrets.emplace_back(t[i + 2].begin, t[j].end);
  }
  for (const Statement& s : r.statements) {
    if (s.ast != nullptr) SecretSpans(s.ast, st.secrets);
  }
  std::sort(st.secrets.begin(), st.secrets.end());
  st.secrets.erase(std::unique(st.secrets.begin(), st.secrets.end()), st.secrets.end());
}

}  // namespace

CheckResult internal::CheckScript(std::string_view script, const Options& options,
                                  bool script_checks) {
  CheckResult r;
  CheckResult::State& st = *r.state_;
  if (script.size() > kMaxScriptBytes) {
    st.lines = std::make_unique<LineIndex>(st.script);
    r.diagnostics.push_back(Diagnostic{
        Severity::kError, "script-too-large",
        "the script has " + std::to_string(script.size()) + " bytes; the analyzer reads at most " +
            std::to_string(kMaxScriptBytes) + " bytes (8 MiB): split it into smaller scripts",
        SourceSpan{}});
    return r;
  }
  st.script.assign(script);
  st.lexed = Lex(st.script);
  st.lines = std::make_unique<LineIndex>(st.script);
  Analyzer(r, st, options).Run(script_checks);
  FindSecrets(r, st);
  std::stable_sort(r.diagnostics.begin(), r.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.span.begin.offset < b.span.begin.offset;
                   });
  return r;
}

CheckResult Check(std::string_view script, const Options& options) {
  return internal::CheckScript(script, options, true);
}

std::string RedactedValue(std::string_view key, std::string_view value) {
  return IsSecretKey(key) ? std::string(kRedacted) : std::string(value);
}

std::string RedactedText(const CheckResult& result, const Statement& s) {
  std::string text(s.text);
  const std::string& script = result.script();
  if (s.text.empty() || s.text.data() < script.data() ||
      s.text.data() > script.data() + script.size()) {
    return text;
  }
  uint32_t base = static_cast<uint32_t>(s.text.data() - script.data());
  const auto& spans = result.state_for_rendering().secrets;
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    if (it->first < base || it->second > base + text.size()) continue;
    text.replace(it->first - base, it->second - it->first, "'" + std::string(kRedacted) + "'");
  }
  return text;
}

std::string MaskSecrets(const CheckResult::State& state, std::string_view line) {
  std::string out(line);
  if (line.data() < state.script.data() ||
      line.data() > state.script.data() + state.script.size()) {
    return out;
  }
  uint32_t begin = static_cast<uint32_t>(line.data() - state.script.data());
  uint32_t end = begin + static_cast<uint32_t>(line.size());
  for (const auto& [b, e] : state.secrets) {
    if (e <= begin || b >= end) continue;
    for (uint32_t i = std::max(b, begin); i < std::min(e, end); ++i) {
      char c = out[i - begin];
      if (c != '\'' && c != '\n') out[i - begin] = '*';
    }
  }
  return out;
}

Result<std::string> Format(std::string_view script, const Options& options) {
  CheckResult r = Check(script, options);
  for (const Statement& s : r.statements) {
    if (!s.ok) {
      for (const Diagnostic& d : r.diagnostics) {
        if (d.severity == Severity::kError && d.span.begin.offset >= s.span.begin.offset) {
          return InvalidArgument("cannot format a script that does not parse: " + d.message)
              .At("line " + std::to_string(d.span.begin.line) + ", column " +
                  std::to_string(d.span.begin.column));
        }
      }
      return InvalidArgument("cannot format a script that does not parse");
    }
  }
  if (r.statements.empty() && !r.ok()) return InvalidArgument(r.diagnostics.front().message);
  std::string out;
  for (const Statement& s : r.statements) {
    if (!out.empty()) out += "\n";
    out += Print(*s.ast, PrintOptions{true});
    out += ";\n";
  }
  return out;
}

}  // namespace sluice::sql
