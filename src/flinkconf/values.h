// Flink's value syntaxes, parsed the way Flink's ConfigurationUtils, TimeUtils and
// MemorySize parse them, so that what Sluice accepts Flink accepts too.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "flinkconf/catalog.h"

namespace sluice::flinkconf {

// TimeUtils.parseDuration: digits, optional whitespace, optional unit (ns, us/µs, ms, s,
// min/m, h, d and their long forms, case-insensitive). No unit means milliseconds.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

// MemorySize.parse: digits, optional whitespace, optional unit (b/bytes, k/kb/kibibytes,
// m/mb/mebibytes, g/gb/gibibytes, t/tb/tebibytes, case-insensitive; all powers of 1024).
// No unit means bytes.
Result<uint64_t> ParseMemorySize(std::string_view text);
// The shortest exact spelling Flink reads back: 2g, 1600m, 64k, 100b.
std::string FormatMemorySize(uint64_t bytes);

// "true"/"false", case-insensitive, as ConfigurationUtils.convertToBoolean.
Result<bool> ParseBoolean(std::string_view text);
Result<int64_t> ParseInteger(std::string_view text, int64_t min, int64_t max);
// Java's Double.parseDouble forms: 1, -1.5, .5, 1e3, 2.0d, NaN, Infinity.
Result<double> ParseFloating(std::string_view text);

// StructuredOptionsSplitter.splitEscaped: splits on `separator` outside single or double
// quotes; a quote inside quotes is doubled.
Result<std::vector<std::string>> SplitEscaped(std::string_view text, char separator);
// The legacy list form: elements joined with ';', quoted when they contain ';' or a quote.
std::string JoinList(const std::vector<std::string>& elements);
// The legacy map form k:v,k:v, with quoting like JoinList.
std::string JoinMap(const std::vector<std::pair<std::string, std::string>>& entries);
// k:v,k:v into its entries.
Result<std::vector<std::pair<std::string, std::string>>> ParseMap(std::string_view text);

// Checks `value` against an option's type; the error says what is wrong and what to write.
Status CheckValue(const Option& option, std::string_view value);

}  // namespace sluice::flinkconf
