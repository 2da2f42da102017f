package org.apache.flink.table.api;

/** Stand-in for Flink's StatementSet. */
public interface StatementSet {
  StatementSet addInsertSql(String statement);

  TableResult execute();
}
