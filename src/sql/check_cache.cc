#include "sql/check_cache.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "sql/analyzer_internal.h"
#include "sql/lexer.h"
#include "sql/splitter.h"

namespace sluice::sql {

// What one statement contributes to the answer, with byte offsets relative to its start.
struct CheckCache::Outcome {
  struct Diag {
    Severity severity = Severity::kError;
    std::string code;  // as JSON strings, quoted and escaped
    std::string message;
    uint32_t begin = 0;  // offsets of the first and the last character
    uint32_t last = 0;
  };
  StatementKind kind = StatementKind::kUnknown;
  bool ok = false;
  std::string text;  // the redacted text, as a JSON string
  std::vector<Diag> diagnostics;
  ScriptFacts facts;  // sink spans relative too

  size_t Cost() const {
    size_t n = sizeof(*this) + text.size();
    for (const Diag& d : diagnostics)
      n += sizeof(d) + d.code.size() + d.message.size();
    for (const SinkUse& s : facts.sinks)
      n += sizeof(s) + s.table.size();
    for (const std::string& t : facts.defined)
      n += sizeof(t) + t.size();
    return n;
  }
};

namespace {

// The way nlohmann::json escapes a valid UTF-8 string with ensure_ascii off.
void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

std::string JsonString(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(out, ValidUtf8(s));
  return out;
}

void AppendNumber(std::string& out, uint32_t n) {
  char buf[16];
  auto [end, unused] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// One diagnostic: JSON strings already escaped; keys in nlohmann's (sorted) order.
void AppendDiagnostic(std::string& out, Severity severity, std::string_view code_json,
                      std::string_view message_json, const SourceSpan& span) {
  out += "{\"code\":";
  out += code_json;
  out += ",\"column\":";
  AppendNumber(out, span.begin.column);
  out += ",\"end_column\":";
  AppendNumber(out, span.end.column);
  out += ",\"end_line\":";
  AppendNumber(out, span.end.line);
  out += ",\"line\":";
  AppendNumber(out, span.begin.line);
  out += ",\"message\":";
  out += message_json;
  out += ",\"severity\":\"";
  out += SeverityName(severity);
  out += "\"}";
}

void AppendStatement(std::string& out, StatementKind kind, const SourceSpan& span,
                     std::string_view text_json) {
  out += "{\"column\":";
  AppendNumber(out, span.begin.column);
  out += ",\"end_column\":";
  AppendNumber(out, span.end.column);
  out += ",\"end_line\":";
  AppendNumber(out, span.end.line);
  out += ",\"kind\":\"";
  out += StatementKindName(kind);
  out += "\",\"line\":";
  AppendNumber(out, span.begin.line);
  out += ",\"text\":";
  out += text_json;
  out += "}";
}

// Every field of Options may change what a statement's check says: all of them go in the
// key (a new field of Options must be added here).
std::string OptionsKey(const Options& o) {
  return std::string(FlinkVersionName(o.version)) + (o.application_mode ? "/a\n" : "/s\n");
}

}  // namespace

std::string CheckJsonText(const CheckResult& r) {
  std::string out = "{\"diagnostics\":[";
  for (size_t i = 0; i < r.diagnostics.size(); ++i) {
    const Diagnostic& d = r.diagnostics[i];
    if (i > 0) out.push_back(',');
    AppendDiagnostic(out, d.severity, JsonString(d.code), JsonString(d.message), d.span);
  }
  out += "],\"ok\":";
  out += r.ok() ? "true" : "false";
  out += ",\"statements\":[";
  for (size_t i = 0; i < r.statements.size(); ++i) {
    const Statement& s = r.statements[i];
    if (i > 0) out.push_back(',');
    AppendStatement(out, s.kind, s.span, JsonString(RedactedText(r, s)));
  }
  out += "]}";
  return out;
}

std::string CheckCache::CheckJsonText(std::string_view script, const Options& options) {
  auto whole = [&] { return sql::CheckJsonText(Check(script, options)); };
  if (script.size() > kMaxScriptBytes) return whole();
  const Lexed lexed = Lex(script);
  if (!lexed.error.empty()) return whole();
  const std::vector<StatementRange> ranges = SplitTokens(lexed.tokens, script);
  if (ranges.empty()) return whole();
  const LineIndex lines(script);
  const std::string options_key = OptionsKey(options);

  std::vector<std::shared_ptr<const Outcome>> outcomes;
  outcomes.reserve(ranges.size());
  std::string key;
  std::string alone;
  for (const StatementRange& range : ranges) {
    uint32_t stop = range.terminated ? range.region_end + 1 : static_cast<uint32_t>(script.size());
    std::string_view text = script.substr(range.begin, stop - range.begin);
    key.assign(options_key);
    key.append(text);
    if (auto hit = Get(key)) {
      outcomes.push_back(std::move(hit));
      continue;
    }
    // The statement on its own, at the same line and column (its messages may say where).
    Position at = lines.At(range.begin);
    alone.assign(at.line - 1, '\n');
    alone.append(at.column - 1, ' ');
    const uint32_t base = static_cast<uint32_t>(alone.size());
    alone.append(text);
    CheckResult r = internal::CheckScript(alone, options, false);
    const CheckResult::State& st = r.state_for_rendering();
    size_t tokens = range.last_token - range.first_token + (range.terminated ? 1 : 0) + 1;
    if (r.statements.size() != 1 || st.lexed.tokens.size() != tokens ||
        r.statements[0].span.begin.offset != base) {
      return whole();
    }
    auto o = std::make_shared<Outcome>();
    o->kind = r.statements[0].kind;
    o->ok = r.statements[0].ok;
    o->text = JsonString(RedactedText(r, r.statements[0]));
    for (const Diagnostic& d : r.diagnostics) {
      if (d.span.begin.offset < base || d.span.end.offset < base) return whole();
      o->diagnostics.push_back(Outcome::Diag{d.severity, JsonString(d.code), JsonString(d.message),
                                             d.span.begin.offset - base, d.span.end.offset - base});
    }
    o->facts = st.facts;
    for (SinkUse& s : o->facts.sinks) {
      s.begin -= base;
      s.end -= base;
    }
    if (o->ok) Put(key, o);
    outcomes.push_back(std::move(o));
  }

  // The diagnostics of all statements and of the script, in order of where they begin.
  struct Placed {
    uint32_t begin;
    const Outcome::Diag* diag;  // or the script's
    size_t script_diag;
  };
  std::vector<SourceSpan> spans;
  spans.reserve(ranges.size());
  ScriptFacts facts;
  std::vector<Placed> placed;
  bool parsed_all = true;
  bool ok = true;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const StatementRange& range = ranges[i];
    const Outcome& o = *outcomes[i];
    uint32_t end = range.terminated ? range.region_end + 1 : range.end;
    spans.push_back(
        SourceSpan{lines.At(range.begin), lines.At(end > range.begin ? end - 1 : range.begin)});
    parsed_all = parsed_all && o.ok;
    for (const Outcome::Diag& d : o.diagnostics) {
      placed.push_back(Placed{range.begin + d.begin, &d, 0});
      ok = ok && d.severity != Severity::kError;
    }
    for (const SinkUse& s : o.facts.sinks) {
      facts.sinks.push_back(SinkUse{s.table, range.begin + s.begin, range.begin + s.end});
    }
    facts.defined.insert(facts.defined.end(), o.facts.defined.begin(), o.facts.defined.end());
    facts.jobs += o.facts.jobs;
    facts.catalog_in_use = facts.catalog_in_use || o.facts.catalog_in_use;
  }
  std::vector<Diagnostic> script_diags;
  ScriptDiagnostics(
      facts, parsed_all, &spans.front(),
      [&](uint32_t begin, uint32_t end) {
        return SourceSpan{lines.At(begin), lines.At(end > begin ? end - 1 : begin)};
      },
      script_diags);
  for (size_t i = 0; i < script_diags.size(); ++i) {
    placed.push_back(Placed{script_diags[i].span.begin.offset, nullptr, i});
    ok = ok && script_diags[i].severity != Severity::kError;
  }
  std::stable_sort(placed.begin(), placed.end(),
                   [](const Placed& a, const Placed& b) { return a.begin < b.begin; });

  std::string out;
  out.reserve(script.size() + 256 * ranges.size() + 64);
  out += "{\"diagnostics\":[";
  for (size_t i = 0; i < placed.size(); ++i) {
    if (i > 0) out.push_back(',');
    const Placed& p = placed[i];
    if (p.diag != nullptr) {
      uint32_t shift = p.begin - p.diag->begin;
      SourceSpan span{lines.At(p.begin), lines.At(shift + p.diag->last)};
      AppendDiagnostic(out, p.diag->severity, p.diag->code, p.diag->message, span);
    } else {
      const Diagnostic& d = script_diags[p.script_diag];
      AppendDiagnostic(out, d.severity, JsonString(d.code), JsonString(d.message), d.span);
    }
  }
  out += "],\"ok\":";
  out += ok ? "true" : "false";
  out += ",\"statements\":[";
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendStatement(out, outcomes[i]->kind, spans[i], outcomes[i]->text);
  }
  out += "]}";
  return out;
}

std::shared_ptr<const CheckCache::Outcome> CheckCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++analyzed_;
    return nullptr;
  }
  ++reused_;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->outcome;
}

void CheckCache::Put(const std::string& key, std::shared_ptr<const Outcome> outcome) {
  size_t cost = key.size() * 2 + outcome->Cost() + 96;
  if (cost > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    bytes_ -= it->second->cost;
    order_.erase(it->second);
    index_.erase(it);
  }
  order_.push_front(Entry{key, std::move(outcome), cost});
  index_.emplace(key, order_.begin());
  bytes_ += cost;
  while (bytes_ > max_bytes_ && !order_.empty()) {
    bytes_ -= order_.back().cost;
    index_.erase(order_.back().key);
    order_.pop_back();
  }
}

size_t CheckCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return index_.size();
}

size_t CheckCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t CheckCache::analyzed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return analyzed_;
}

size_t CheckCache::reused() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reused_;
}

}  // namespace sluice::sql
