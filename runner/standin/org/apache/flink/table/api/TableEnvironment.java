package org.apache.flink.table.api;

/** Stand-in for Flink's TableEnvironment; create() hands out a recording implementation. */
public interface TableEnvironment {
  static TableEnvironment create(EnvironmentSettings settings) {
    return StandInTableEnvironment.create(settings);
  }

  TableConfig getConfig();

  TableResult executeSql(String statement);

  StatementSet createStatementSet();
}
