// Builds the compact per-version option catalogs of src/flinkconf/catalog/ from Flink's
// option tables (../shared/reference/flink-config) and the rule files in rules/.
// See README.md for the catalog format and the derivation rules.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace sluice::flinkconf_gen {

struct CatalogFile {
  std::string name;     // flink-1.20.tsv
  std::string content;  // the whole file
};

// One file per options-<version>.tsv found in `flink_config_dir`, in version order.
Result<std::vector<CatalogFile>> GenerateCatalogs(const std::filesystem::path& flink_config_dir,
                                                  const std::filesystem::path& rules_dir);

// "1.20" < "2.2"; versions are major.minor[.patch].
bool VersionLess(std::string_view a, std::string_view b);

}  // namespace sluice::flinkconf_gen
