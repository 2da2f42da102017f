package org.apache.flink.table.api;

import org.apache.flink.configuration.Configuration;

/** Stand-in for Flink's TableConfig. */
public final class TableConfig {
  private final Configuration configuration = new Configuration();

  public Configuration getConfiguration() {
    return configuration;
  }

  public TableConfig set(String key, String value) {
    configuration.setString(key, value);
    return this;
  }
}
