// Flink's configuration files: flink-conf.yaml (flat "key: value" lines, before 1.19)
// and config.yaml (standard YAML, 1.19 on; the only format from 2.0). Reading keeps every
// entry in order, duplicates included, with its location; rendering is deterministic
// (sorted keys) and is meant for Flink, so it does not mask secrets.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "flinkconf/catalog.h"
#include "flinkconf/findings.h"
#include "flinkconf/version.h"

namespace sluice::flinkconf {

// One key/value as given. Values are in Flink's string form: lists as a;b, maps as
// k:v,k:v (what ConfigurationUtils reads in every version).
struct ConfigEntry {
  std::string key;
  std::string value;
  std::string where;  // file:line:column, "-D (argument 3)", a spec field path
};
using ConfigEntries = std::vector<ConfigEntry>;
// The configuration Flink ends up with: the last value of each key.
using FlatConfig = std::map<std::string, std::string>;

FlatConfig Effective(const ConfigEntries& entries);
ConfigEntries ToEntries(const FlatConfig& config, std::string_view where_prefix = "");

enum class ConfigFormat { kFlinkConfYaml, kConfigYaml };
// The format Flink's client writes for a version: flink-conf.yaml before 1.19, else
// config.yaml.
ConfigFormat FormatFor(const FlinkVersion& version);
std::string_view FileName(ConfigFormat format);

struct ParsedConfig {
  ConfigEntries entries;
  std::vector<Finding> findings;  // lines Flink would skip, with the reason
};

// GlobalConfiguration's legacy reader: '#' starts a comment anywhere, "key: value"
// split at the first ": ", lines without it are skipped (and reported).
ParsedConfig ParseFlinkConfYaml(std::string_view text, std::string_view source = "flink-conf.yaml");
// Standard YAML, flattened like GlobalConfiguration.flatten: nested maps join their
// keys with '.', flat dotted keys are kept, sequences become lists. With a catalog, the
// mapping under a Map option stays one entry (k:v,k:v) instead of key.k entries; Flink
// reads both the same. YAML syntax errors fail with line and column.
Result<ParsedConfig> ParseConfigYaml(std::string_view text, std::string_view source = "config.yaml",
                                     const Catalog* catalog = nullptr);
Result<ParsedConfig> ParseConfigFile(ConfigFormat format, std::string_view text,
                                     std::string_view source, const Catalog* catalog = nullptr);

// "key: value" lines, sorted. Fails for values the legacy reader cannot carry ('#' or a
// line break).
Result<std::string> RenderFlinkConfYaml(const FlatConfig& config);
// Flat dotted keys, sorted; lists and maps of list/map-typed options as YAML flow
// collections; strings quoted where YAML would read them as something else. `catalog`
// gives the types (unknown keys are strings).
std::string RenderConfigYaml(const FlatConfig& config, const Catalog& catalog);
Result<std::string> RenderConfigFile(ConfigFormat format, const FlatConfig& config,
                                     const Catalog& catalog);

// "key: value" lines for people: sorted, secret values masked.
std::string RenderForPeople(const FlatConfig& config);

}  // namespace sluice::flinkconf
