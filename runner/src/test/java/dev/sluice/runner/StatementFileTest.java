package dev.sluice.runner;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;

public class StatementFileTest {
  @Test
  public void readsKindsPositionsAndExactText() throws Exception {
    List<Statement> statements = StatementFile.parse(TestFiles.read("orders.statements"));
    assertEquals(8, statements.size());
    Statement set = statements.get(0);
    assertEquals("SET", set.kind());
    assertEquals("pipeline.name", set.attribute("key"));
    assertEquals("orders to warehouse", set.attribute("value"));
    Statement create = statements.get(1);
    assertEquals("CREATE_TABLE", create.kind());
    assertEquals(2, create.line());
    assertTrue(create.text().contains("café ☕\n"));
    Statement tricky = statements.get(5);
    assertEquals(10, tricky.line());
    assertEquals(3, tricky.column());
    assertTrue("a header-like line inside a statement is text", tricky.text().contains("-- statement kind=INSERT"));
  }

  @Test
  public void refusesFilesThatAreNotStatements() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse("SELECT 1;\n"));
    assertTrue(e.getMessage().contains("not a Sluice statements file"));
  }

  @Test
  public void refusesTruncatedStatements() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> parse(StatementFile.MAGIC + "\n-- statement kind=INSERT line=1 column=1 bytes=99\nINSERT"));
    assertTrue(e.getMessage(), e.getMessage().contains("99 bytes announced"));
  }

  @Test
  public void refusesHeadersWithoutKind() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> parse(StatementFile.MAGIC + "\n-- statement line=1 column=1 bytes=3\nEND\n"));
    assertTrue(e.getMessage(), e.getMessage().contains("no kind"));
  }

  private static List<Statement> parse(String s) {
    return StatementFile.parse(s.getBytes(StandardCharsets.UTF_8));
  }
}
