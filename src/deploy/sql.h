// What a SQL job needs on a Flink cluster: on 1.x the runner (runner/README.md) with the
// statements the analyzer split, as the `-- sluice-statements v1` file; on 2.x Flink's own
// SqlDriver with the script. Either way the script travels in a file mounted into the
// JobManager only, never in program arguments.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "flinkconf/version.h"
#include "sql/analyzer.h"

namespace sluice::deploy {

inline constexpr std::string_view kSqlMountDir = "/opt/flink/sql";
inline constexpr std::string_view kRunnerMain = "dev.sluice.runner.SqlRunner";
inline constexpr std::string_view kRunnerJar = "local:///opt/flink/usrlib/sluice-sql-runner.jar";
inline constexpr std::string_view kSqlDriverMain =
    "org.apache.flink.table.runtime.application.SqlDriver";

struct SqlArtifacts {
  std::string main_class;
  std::vector<std::string> args;  // program arguments: the file's path, never the SQL
  std::string jar;                // pipeline.jars entry; "" on 2.x (Flink's own driver)
  std::string file_name;          // statements (1.x) or script.sql (2.x), in kSqlMountDir
  std::string content;
  bool has_secrets = false;  // options like 'password' = '...': keep it in a Secret
  std::map<std::string, std::string> set_options;  // SET in effect at the end
  std::vector<std::string> warnings;               // the analyzer's, with line:column
};

// Checks the script (errors fail with the analyzer's diagnostics) and builds the
// artifacts for the version. `batch`: execution.runtime-mode BATCH.
Result<SqlArtifacts> BuildSqlArtifacts(std::string_view script,
                                       const flinkconf::FlinkVersion& version, bool batch);
// For a script given as a URI (spec.sqlFile): 2.x reads it itself (--scriptUri); 1.x
// cannot, which is an error with a hint.
Result<SqlArtifacts> SqlFileArtifacts(std::string_view uri, const flinkconf::FlinkVersion& version);

// The runner's statements file for a checked script.
std::string StatementsFile(const sql::CheckResult& result);

}  // namespace sluice::deploy
