package org.apache.flink.api.common;

/** Stand-in for Flink's JobID. */
public final class JobID {
  private final String hex;

  public JobID(String hex) {
    this.hex = hex;
  }

  @Override
  public String toString() {
    return hex;
  }
}
