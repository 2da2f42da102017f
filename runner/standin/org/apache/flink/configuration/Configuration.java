package org.apache.flink.configuration;

import java.util.LinkedHashMap;
import java.util.Map;

/** Stand-in for Flink's Configuration: a string map. */
public class Configuration {
  private final Map<String, String> data = new LinkedHashMap<>();

  public void setString(String key, String value) {
    data.put(key, value);
  }

  public <T> boolean removeConfig(ConfigOption<T> option) {
    return data.remove(option.key()) != null;
  }

  public Map<String, String> toMap() {
    return new LinkedHashMap<>(data);
  }
}
