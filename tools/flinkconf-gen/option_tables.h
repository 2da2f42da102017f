// Readers for Flink's generated option tables in ../shared/reference/flink-config:
// options-<version>.tsv (one row per key) and <version>/*_configuration.html (the same
// rows with their HTML descriptions, which carry enum values and List<Enum> types).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace sluice::flinkconf_gen {

struct RawOption {
  std::string key;
  std::string default_value;             // as documented: "hashmap" quoted, (none), 15 s, ...
  std::string type;                      // String, Duration, List<Enum>, ...
  std::string description;               // plain text
  std::string table;                     // source table file name
  std::vector<std::string> enum_values;  // from "Possible values:" in the HTML
};

// Rows of options-<version>.tsv, in file order.
Result<std::vector<RawOption>> ReadOptionsTsv(const std::filesystem::path& file);

// Rows of one *_configuration.html table.
Result<std::vector<RawOption>> ReadOptionsHtml(const std::filesystem::path& file);

// HTML to one line of plain text: tags dropped, entities decoded, whitespace collapsed.
std::string HtmlToText(std::string_view html);

}  // namespace sluice::flinkconf_gen
