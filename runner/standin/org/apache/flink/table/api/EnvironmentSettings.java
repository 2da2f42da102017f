package org.apache.flink.table.api;

/** Stand-in for Flink's EnvironmentSettings. */
public final class EnvironmentSettings {
  private final boolean streaming;

  private EnvironmentSettings(boolean streaming) {
    this.streaming = streaming;
  }

  public boolean isStreamingMode() {
    return streaming;
  }

  public static Builder newInstance() {
    return new Builder();
  }

  public static final class Builder {
    private boolean streaming = true;

    public Builder inStreamingMode() {
      streaming = true;
      return this;
    }

    public Builder inBatchMode() {
      streaming = false;
      return this;
    }

    public EnvironmentSettings build() {
      return new EnvironmentSettings(streaming);
    }
  }
}
