// The Flink SQL lexer: turns a whole script into tokens with byte offsets, the way
// Flink's parser (Calcite with back-tick quoting) reads characters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sql {

enum class TokenKind : uint8_t {
  kEnd,           // end of input
  kWord,          // an unquoted identifier or keyword
  kQuotedId,      // `name` (or "name", which Flink's client does not accept)
  kString,        // '...', N'...', E'...', U&'...'
  kBinaryString,  // X'...'
  kNumber,        // 1, 1.5, .5, 1e3
  kParam,         // ?
  kSymbol,        // operators and punctuation
  kHintStart,     // /*+
  kHintEnd,       // */ closing a hint
  kError,         // a character sequence that is no token (see Lexed::error)
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  bool reserved = false;  // kWord: a reserved keyword of Flink's grammar
  uint32_t begin = 0;     // byte offsets into the script, end exclusive
  uint32_t end = 0;
};

struct Lexed {
  std::vector<Token> tokens;  // always ends with a kEnd token
  // The first lexical error, if any; a kError token marks where it is.
  std::string error;
  uint32_t error_offset = 0;
};

Lexed Lex(std::string_view script);

// True for words that Flink's grammar reserves (case-insensitive).
bool IsReservedWord(std::string_view word);
// True for any keyword of the grammar, reserved or not.
bool IsKeyword(std::string_view word);

}  // namespace sluice::sql
