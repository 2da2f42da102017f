// Small string helpers used across modules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);
std::string ReplaceAll(std::string s, std::string_view from, std::string_view to);

std::optional<int64_t> ParseInt(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);

// Levenshtein distance, for did-you-mean suggestions.
size_t EditDistance(std::string_view a, std::string_view b);
// The closest candidate within a distance that scales with the word's length, or "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// Quotes a string for a message: "name" with control characters escaped (\n, \t, \xNN), which
// is also a valid YAML double-quoted scalar.
std::string Quote(std::string_view s);

}  // namespace sluice
