// Validation of a Flink configuration against the catalog of its Flink version.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "flinkconf/catalog.h"
#include "flinkconf/config_file.h"
#include "flinkconf/findings.h"

namespace sluice::flinkconf {

struct ValidateOptions {
  // Duplicates are errors in config.yaml (a YAML mapping must not repeat a key) and
  // warnings elsewhere (flink-conf.yaml and -D: the last value wins).
  Severity duplicate_severity = Severity::kWarning;
  // Where a duplicate came from, for the message: "in config.yaml", "as -D".
  std::string_view duplicate_context = "";
};

// Reports, in this order: duplicate keys; per key (in order of appearance): unknown keys
// with a did-you-mean, connector options, deprecated/removed/dropped keys with their
// replacement, values of the wrong type; then impossible memory settings of the
// effective configuration (docs/flink-config.md lists the rules). Secret values never
// appear in a finding.
std::vector<Finding> Validate(const ConfigEntries& entries, const Catalog& catalog,
                              const ValidateOptions& options = {});

// Picks the catalog for `flink_version` (CatalogFor) and validates; adds an info finding
// when the version has no catalog of its own.
Result<std::vector<Finding>> ValidateForVersion(const ConfigEntries& entries,
                                                std::string_view flink_version,
                                                const ValidateOptions& options = {});

// Only the memory rules, on an effective configuration.
std::vector<Finding> CheckMemory(const FlatConfig& config, const Catalog& catalog,
                                 const std::map<std::string, std::string>& where = {});

}  // namespace sluice::flinkconf
