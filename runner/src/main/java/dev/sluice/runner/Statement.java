package dev.sluice.runner;

import java.util.Map;

/** One statement as Sluice's analyzer split it, with where it stood in the user's script. */
public final class Statement {
  private final String kind;
  private final int line;
  private final int column;
  private final String text;
  private final Map<String, String> attributes;

  public Statement(String kind, int line, int column, String text, Map<String, String> attributes) {
    this.kind = kind;
    this.line = line;
    this.column = column;
    this.text = text;
    this.attributes = Map.copyOf(attributes);
  }

  public String kind() {
    return kind;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public String text() {
    return text;
  }

  /** An attribute of the header line (for SET and RESET: "key" and "value"), or null. */
  public String attribute(String name) {
    return attributes.get(name);
  }

  /** "line 3, column 1", for messages that point back into the user's script. */
  public String position() {
    return "line " + line + ", column " + column;
  }
}
