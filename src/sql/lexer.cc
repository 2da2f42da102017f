#include "sql/lexer.h"

namespace sluice::sql {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsWordChar(char c) {
  return IsWordStart(c) || IsDigit(c);
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Lexed Run() {
    Lexed out;
    out.tokens.reserve(s_.size() / 4 + 2);
    while (true) {
      SkipSpaceAndComments();
      if (!error_.empty()) break;
      if (pos_ >= s_.size()) break;
      size_t begin = pos_;
      TokenKind kind = Next();
      if (!error_.empty()) break;
      Token t;
      t.kind = kind;
      t.begin = static_cast<uint32_t>(begin);
      t.end = static_cast<uint32_t>(pos_);
      if (kind == TokenKind::kWord) t.reserved = IsReservedWord(s_.substr(begin, pos_ - begin));
      out.tokens.push_back(t);
    }
    if (!error_.empty()) {
      Token t;
      t.kind = TokenKind::kError;
      t.begin = static_cast<uint32_t>(error_at_);
      t.end = static_cast<uint32_t>(error_at_ < s_.size() ? error_at_ + 1 : error_at_);
      out.tokens.push_back(t);
      out.error = error_;
      out.error_offset = static_cast<uint32_t>(error_at_);
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.begin = end.end = static_cast<uint32_t>(s_.size());
    out.tokens.push_back(end);
    return out;
  }

 private:
  char At(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  void Fail(size_t at, std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_at_ = at;
    }
  }

  void SkipSpaceAndComments() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if ((c == '-' && At(pos_ + 1) == '-') || (c == '/' && At(pos_ + 1) == '/')) {
        while (pos_ < s_.size() && s_[pos_] != '\n')
          ++pos_;
      } else if (c == '/' && At(pos_ + 1) == '*' && At(pos_ + 2) != '+') {
        size_t close = s_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) {
          Fail(pos_, "unterminated comment: '/*' has no closing '*/'");
          pos_ = s_.size();
          return;
        }
        pos_ = close + 2;
      } else {
        return;
      }
    }
  }

  // Reads a quoted body starting at the opening quote; a doubled quote escapes one.
  // With backslash_escapes (E'...'), a backslash escapes the next character.
  bool Quoted(char quote, const char* what, bool backslash_escapes = false) {
    size_t open = pos_;
    ++pos_;
    while (pos_ < s_.size()) {
      if (backslash_escapes && s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
        pos_ += 2;
        continue;
      }
      if (s_[pos_] == quote) {
        if (At(pos_ + 1) == quote) {
          pos_ += 2;
          continue;
        }
        ++pos_;
        return true;
      }
      ++pos_;
    }
    Fail(open, std::string("unterminated ") + what + ": no closing " + quote);
    return false;
  }

  TokenKind Next() {
    char c = s_[pos_];
    char n = At(pos_ + 1);
    if (c == '\'') {
      Quoted('\'', "string literal");
      return TokenKind::kString;
    }
    if ((c == 'X' || c == 'x') && n == '\'') {
      ++pos_;
      Quoted('\'', "binary string literal");
      return TokenKind::kBinaryString;
    }
    if ((c == 'N' || c == 'n' || c == 'E' || c == 'e') && n == '\'') {
      ++pos_;
      Quoted('\'', "string literal", c == 'E' || c == 'e');
      return TokenKind::kString;
    }
    if ((c == 'U' || c == 'u') && n == '&' && At(pos_ + 2) == '\'') {
      pos_ += 2;
      Quoted('\'', "string literal");
      return TokenKind::kString;
    }
    if (c == '`') {
      Quoted('`', "quoted identifier");
      return TokenKind::kQuotedId;
    }
    if (c == '"') {
      Quoted('"', "quoted identifier");
      return TokenKind::kQuotedId;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(n))) {
      while (IsDigit(At(pos_)))
        ++pos_;
      if (At(pos_) == '.' && At(pos_ + 1) != '.') {
        ++pos_;
        while (IsDigit(At(pos_)))
          ++pos_;
      }
      if ((At(pos_) == 'e' || At(pos_) == 'E') &&
          (IsDigit(At(pos_ + 1)) ||
           ((At(pos_ + 1) == '+' || At(pos_ + 1) == '-') && IsDigit(At(pos_ + 2))))) {
        pos_ += 2;
        while (IsDigit(At(pos_)))
          ++pos_;
      }
      return TokenKind::kNumber;
    }
    if (c == '_') {
      // A character set prefix: _UTF16'...', _ISO-8859-1'...'
      size_t j = pos_ + 1;
      while (j < s_.size() && (IsWordChar(s_[j]) || s_[j] == '-' || s_[j] == ':' || s_[j] == '.')) {
        ++j;
      }
      if (j > pos_ + 1 && At(j) == '\'') {
        pos_ = j;
        Quoted('\'', "string literal");
        return TokenKind::kString;
      }
    }
    if (IsWordStart(c)) {
      while (pos_ < s_.size() && IsWordChar(s_[pos_]))
        ++pos_;
      return TokenKind::kWord;
    }
    if (c == '?') {
      ++pos_;
      return TokenKind::kParam;
    }
    if (c == '/' && n == '*' && At(pos_ + 2) == '+') {
      pos_ += 3;
      in_hint_ = true;
      return TokenKind::kHintStart;
    }
    if (c == '*' && n == '/' && in_hint_) {
      pos_ += 2;
      in_hint_ = false;
      return TokenKind::kHintEnd;
    }
    static constexpr std::string_view kTwo[] = {"<>", "<=", ">=", "!=", "||",
                                                "=>", "->", "::", "{-", "-}"};
    if (pos_ + 1 < s_.size()) {
      std::string_view two = s_.substr(pos_, 2);
      if (two == "<=" && At(pos_ + 2) == '>') {
        pos_ += 3;
        return TokenKind::kSymbol;
      }
      for (std::string_view t : kTwo) {
        if (two == t) {
          pos_ += 2;
          return TokenKind::kSymbol;
        }
      }
    }
    static constexpr std::string_view kOne = "(),.;*+-/%=<>[]{}:^|&~!";
    if (kOne.find(c) != std::string_view::npos) {
      ++pos_;
      return TokenKind::kSymbol;
    }
    // Not a token: the parser reports it with its position.
    ++pos_;
    return TokenKind::kError;
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool in_hint_ = false;
  std::string error_;
  size_t error_at_ = 0;
};

}  // namespace

Lexed Lex(std::string_view script) {
  return Lexer(script).Run();
}

}  // namespace sluice::sql
