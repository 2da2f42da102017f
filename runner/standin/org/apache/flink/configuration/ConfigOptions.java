package org.apache.flink.configuration;

/** Stand-in for Flink's ConfigOptions builder: key(k).stringType().noDefaultValue(). */
public final class ConfigOptions {
  private ConfigOptions() {}

  public static OptionBuilder key(String key) {
    return new OptionBuilder(key);
  }

  public static final class OptionBuilder {
    private final String key;

    OptionBuilder(String key) {
      this.key = key;
    }

    public TypedConfigOptionBuilder<String> stringType() {
      return new TypedConfigOptionBuilder<>(key);
    }
  }

  public static final class TypedConfigOptionBuilder<T> {
    private final String key;

    TypedConfigOptionBuilder(String key) {
      this.key = key;
    }

    public ConfigOption<T> noDefaultValue() {
      return new ConfigOption<>(key);
    }
  }
}
