package org.apache.flink.configuration;

/** Stand-in for Flink's ConfigOption: only what the runner touches. */
public final class ConfigOption<T> {
  private final String key;

  ConfigOption(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
