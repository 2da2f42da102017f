#include "common/redact.h"

#include <cctype>

#include "common/strings.h"

namespace sluice {

bool IsSecretKey(std::string_view key) {
  for (std::string_view word : {"password", "secret", "token", "sasl.jaas.config"}) {
    if (ContainsIgnoreCase(key, word)) return true;
  }
  return false;
}

namespace {

bool KeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

bool ValueEnd(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ';' || c == ')' ||
         c == ']' || c == '}' || c == '&' || c == '"' || c == '\'';
}

}  // namespace

std::string RedactSecretsInText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!KeyChar(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    size_t key_end = i;
    while (key_end < text.size() && KeyChar(text[key_end]))
      ++key_end;
    std::string_view key = text.substr(i, key_end - i);
    out.append(key);
    i = key_end;
    if (!IsSecretKey(key)) continue;
    // An optional closing quote of the key, spaces, then '=' or ':', spaces, the value.
    size_t j = i;
    if (j < text.size() && (text[j] == '\'' || text[j] == '"')) ++j;
    while (j < text.size() && text[j] == ' ')
      ++j;
    if (j >= text.size() || (text[j] != '=' && text[j] != ':')) continue;
    ++j;
    while (j < text.size() && text[j] == ' ')
      ++j;
    out.append(text.substr(i, j - i));
    i = j;
    if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
      char quote = text[i];
      size_t close = text.find(quote, i + 1);
      if (close == std::string_view::npos) close = text.size();
      out.push_back(quote);
      out.append(kRedacted);
      if (close < text.size()) out.push_back(quote);
      i = close < text.size() ? close + 1 : close;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !ValueEnd(text[end]))
      ++end;
    if (end > i) out.append(kRedacted);
    i = end;
  }
  return out;
}

}  // namespace sluice
