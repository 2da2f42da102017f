package dev.sluice.runner;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the statements file Sluice writes into the job's ConfigMap.
 *
 * <pre>
 * -- sluice-statements v1
 * -- statement kind=SET line=1 column=1 bytes=31 key=parallelism.default value=2
 * SET 'parallelism.default' = '2'
 * -- statement kind=INSERT line=3 column=1 bytes=27
 * INSERT INTO sink SELECT ...
 * </pre>
 *
 * Each header is followed by exactly {@code bytes} bytes of UTF-8 statement text and a
 * newline, so statements may contain anything, header-like lines included. Attribute values
 * are percent-encoded.
 */
public final class StatementFile {
  static final String MAGIC = "-- sluice-statements v1";
  private static final String HEADER = "-- statement ";

  private StatementFile() {}

  public static List<Statement> parse(byte[] content) {
    List<Statement> out = new ArrayList<>();
    int pos = 0;
    String first = readLine(content, pos);
    if (first == null || !first.equals(MAGIC)) {
      throw new IllegalArgumentException(
          "not a Sluice statements file: the first line must be '" + MAGIC + "'");
    }
    pos += first.length() + 1;
    while (pos < content.length) {
      String header = readLine(content, pos);
      if (header == null || !header.startsWith(HEADER)) {
        throw new IllegalArgumentException(
            "statement " + (out.size() + 1) + ": expected a '" + HEADER.trim() + "' header at byte " + pos);
      }
      pos += header.getBytes(StandardCharsets.UTF_8).length + 1;
      Map<String, String> attrs = parseAttributes(header.substring(HEADER.length()), out.size() + 1);
      int bytes = intAttribute(attrs, "bytes", out.size() + 1);
      if (bytes < 0 || pos + bytes > content.length) {
        throw new IllegalArgumentException(
            "statement " + (out.size() + 1) + ": " + bytes + " bytes announced but the file ends first");
      }
      String text = new String(content, pos, bytes, StandardCharsets.UTF_8);
      pos += bytes;
      if (pos < content.length) {
        if (content[pos] != '\n') {
          throw new IllegalArgumentException(
              "statement " + (out.size() + 1) + ": expected a newline after its text");
        }
        pos++;
      }
      String kind = attrs.remove("kind");
      if (kind == null || kind.isEmpty()) {
        throw new IllegalArgumentException("statement " + (out.size() + 1) + ": no kind");
      }
      int line = intAttribute(attrs, "line", out.size() + 1);
      int column = intAttribute(attrs, "column", out.size() + 1);
      attrs.remove("bytes");
      attrs.remove("line");
      attrs.remove("column");
      out.add(new Statement(kind, line, column, text, attrs));
    }
    return out;
  }

  private static String readLine(byte[] content, int pos) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int i = pos; i < content.length; i++) {
      if (content[i] == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(content[i]);
    }
    return null;
  }

  private static Map<String, String> parseAttributes(String text, int index) {
    Map<String, String> attrs = new HashMap<>();
    for (String part : text.trim().split(" +")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("statement " + index + ": bad header attribute '" + part + "'");
      }
      attrs.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return attrs;
  }

  private static int intAttribute(Map<String, String> attrs, String name, int index) {
    String v = attrs.get(name);
    if (v == null) {
      throw new IllegalArgumentException("statement " + index + ": header has no " + name);
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("statement " + index + ": " + name + " is not a number: " + v);
    }
  }
}
