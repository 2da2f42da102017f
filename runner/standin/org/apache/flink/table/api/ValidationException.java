package org.apache.flink.table.api;

/** Stand-in for Flink's ValidationException. */
public class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ValidationException(String message) {
    super(message);
  }
}
