// What a statement is, as the CLI and the REST API name it.
#pragma once

#include <string_view>

namespace sluice::sql {

#define SLUICE_SQL_STATEMENT_KINDS(X)                      \
  X(kSelect, "SELECT")                                     \
  X(kInsert, "INSERT")                                     \
  X(kExecuteStatementSet, "EXECUTE_STATEMENT_SET")         \
  X(kBeginStatementSet, "BEGIN_STATEMENT_SET")             \
  X(kEnd, "END")                                           \
  X(kExplain, "EXPLAIN")                                   \
  X(kDescribe, "DESCRIBE")                                 \
  X(kShow, "SHOW")                                         \
  X(kUse, "USE")                                           \
  X(kUseCatalog, "USE_CATALOG")                            \
  X(kUseModules, "USE_MODULES")                            \
  X(kSet, "SET")                                           \
  X(kReset, "RESET")                                       \
  X(kCreateTable, "CREATE_TABLE")                          \
  X(kCreateTableAs, "CREATE_TABLE_AS")                     \
  X(kReplaceTableAs, "REPLACE_TABLE_AS")                   \
  X(kCreateView, "CREATE_VIEW")                            \
  X(kCreateFunction, "CREATE_FUNCTION")                    \
  X(kCreateCatalog, "CREATE_CATALOG")                      \
  X(kCreateDatabase, "CREATE_DATABASE")                    \
  X(kCreateMaterializedTable, "CREATE_MATERIALIZED_TABLE") \
  X(kCreateModel, "CREATE_MODEL")                          \
  X(kCreateConnection, "CREATE_CONNECTION")                \
  X(kAlterTable, "ALTER_TABLE")                            \
  X(kAlterView, "ALTER_VIEW")                              \
  X(kAlterFunction, "ALTER_FUNCTION")                      \
  X(kAlterDatabase, "ALTER_DATABASE")                      \
  X(kAlterCatalog, "ALTER_CATALOG")                        \
  X(kAlterMaterializedTable, "ALTER_MATERIALIZED_TABLE")   \
  X(kAlterModel, "ALTER_MODEL")                            \
  X(kAlterConnection, "ALTER_CONNECTION")                  \
  X(kDropTable, "DROP_TABLE")                              \
  X(kDropView, "DROP_VIEW")                                \
  X(kDropFunction, "DROP_FUNCTION")                        \
  X(kDropCatalog, "DROP_CATALOG")                          \
  X(kDropDatabase, "DROP_DATABASE")                        \
  X(kDropMaterializedTable, "DROP_MATERIALIZED_TABLE")     \
  X(kDropModel, "DROP_MODEL")                              \
  X(kDropConnection, "DROP_CONNECTION")                    \
  X(kLoadModule, "LOAD_MODULE")                            \
  X(kUnloadModule, "UNLOAD_MODULE")                        \
  X(kAddJar, "ADD_JAR")                                    \
  X(kRemoveJar, "REMOVE_JAR")                              \
  X(kExecute, "EXECUTE")                                   \
  X(kExecutePlan, "EXECUTE_PLAN")                          \
  X(kCompilePlan, "COMPILE_PLAN")                          \
  X(kCompileAndExecutePlan, "COMPILE_AND_EXECUTE_PLAN")    \
  X(kAnalyzeTable, "ANALYZE_TABLE")                        \
  X(kCall, "CALL")                                         \
  X(kTruncateTable, "TRUNCATE_TABLE")                      \
  X(kDelete, "DELETE")                                     \
  X(kUpdate, "UPDATE")                                     \
  X(kStopJob, "STOP_JOB")                                  \
  X(kHelp, "HELP")                                         \
  X(kQuit, "QUIT")                                         \
  X(kClear, "CLEAR")                                       \
  X(kUnknown, "UNKNOWN")

enum class StatementKind {
#define SLUICE_SQL_KIND_ENUM(e, s) e,
  SLUICE_SQL_STATEMENT_KINDS(SLUICE_SQL_KIND_ENUM)
#undef SLUICE_SQL_KIND_ENUM
};

// "CREATE_TABLE" and so on; "UNKNOWN" for a statement that did not parse.
std::string_view StatementKindName(StatementKind kind);

}  // namespace sluice::sql
