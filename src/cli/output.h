// How client commands print what the server answered: a table for people, JSON or YAML
// for scripts (--output table|json|yaml).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::cli {

enum class OutputFormat { kTable, kJson, kYaml };

Result<OutputFormat> ParseOutputFormat(const std::string& text);

struct Column {
  std::string header;
  std::function<std::string(const nlohmann::json&)> value;
};
// A column showing a field ("name", or a path "config.namespace"); arrays are joined with ",".
Column Field(std::string header, std::string path);

// Items as rows (table) or the list as a whole (json, yaml).
void PrintList(std::ostream& out, OutputFormat format, const nlohmann::json& items,
               const std::vector<Column>& columns);
// One object: as KEY: value lines (table), or whole.
void PrintObject(std::ostream& out, OutputFormat format, const nlohmann::json& object);

std::string ToYaml(const nlohmann::json& value);
// YAML (or JSON, which is YAML) to JSON; quoted scalars stay strings.
Result<nlohmann::json> YamlToJson(const std::string& text, const std::string& where);
Result<std::vector<nlohmann::json>> YamlDocumentsToJson(const std::string& text,
                                                        const std::string& where);

}  // namespace sluice::cli
