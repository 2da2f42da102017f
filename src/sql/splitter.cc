#include "sql/splitter.h"

#include "common/strings.h"

namespace sluice::sql {
namespace {

bool IsWord(const Token& t, std::string_view script, std::string_view word) {
  if (t.kind != TokenKind::kWord || t.end - t.begin != word.size()) return false;
  return EqualsIgnoreCase(script.substr(t.begin, t.end - t.begin), word);
}

bool IsSemicolon(const Token& t, std::string_view script) {
  return t.kind == TokenKind::kSymbol && script[t.begin] == ';' && t.end == t.begin + 1;
}

}  // namespace

std::vector<StatementRange> SplitTokens(const std::vector<Token>& tokens, std::string_view script) {
  std::vector<StatementRange> out;
  size_t start = 0;
  bool in_set = false;
  auto emit = [&](size_t end, bool terminated, uint32_t region_end) {
    if (end > start) {
      StatementRange r;
      r.first_token = start;
      r.last_token = end;
      r.begin = tokens[start].begin;
      r.end = tokens[end - 1].end;
      r.region_end = region_end;
      r.terminated = terminated;
      out.push_back(r);
    }
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == TokenKind::kEnd) {
      emit(i, false, static_cast<uint32_t>(script.size()));
      break;
    }
    if (!in_set && i + 2 < tokens.size() && IsWord(t, script, "STATEMENT") &&
        IsWord(tokens[i + 1], script, "SET") && IsWord(tokens[i + 2], script, "BEGIN")) {
      in_set = true;
      i += 2;
      continue;
    }
    if (in_set && IsWord(t, script, "END") && i > start &&
        (IsSemicolon(tokens[i - 1], script) || IsWord(tokens[i - 1], script, "BEGIN"))) {
      in_set = false;
      continue;
    }
    if (!in_set && IsSemicolon(t, script)) {
      emit(i, true, t.begin);
      start = i + 1;
    }
  }
  return out;
}

std::vector<SplitStatement> SplitStatements(std::string_view script) {
  Lexed lexed = Lex(script);
  std::vector<SplitStatement> out;
  for (const StatementRange& r : SplitTokens(lexed.tokens, script)) {
    out.push_back(SplitStatement{script.substr(r.begin, r.end - r.begin), r.begin, r.end});
  }
  return out;
}

}  // namespace sluice::sql
