package dev.sluice.runner;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;
import org.apache.flink.table.api.StandInTableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.junit.Test;

public class ScriptExecutorTest {
  @Test
  public void runsEveryInsertAsOneJob() throws Exception {
    StandInTableEnvironment env = StandInTableEnvironment.createForTest();
    Optional<TableResult> result =
        new ScriptExecutor(env).run(StatementFile.parse(TestFiles.read("orders.statements")));
    assertTrue(result.isPresent());
    assertEquals(1, env.jobsSubmitted);
    assertEquals("orders to warehouse", env.config.getConfiguration().toMap().get("pipeline.name"));
    List<String> calls = env.calls;
    assertTrue(calls.get(0).startsWith("executeSql:CREATE TABLE orders"));
    assertTrue(calls.get(1).startsWith("executeSql:CREATE TABLE sink"));
    assertEquals("createStatementSet", calls.get(2));
    assertEquals(3, calls.stream().filter(c -> c.startsWith("addInsertSql:")).count());
    assertEquals("execute", calls.get(calls.size() - 1));
  }

  @Test
  public void resetRestoresWhatWasThereBefore() throws Exception {
    StandInTableEnvironment env = StandInTableEnvironment.createForTest();
    env.config.set("parallelism.default", "1");
    Optional<TableResult> result =
        new ScriptExecutor(env).run(StatementFile.parse(TestFiles.read("set-reset.statements")));
    assertFalse("no INSERT, no job", result.isPresent());
    assertEquals(0, env.jobsSubmitted);
    assertEquals("4", env.config.getConfiguration().toMap().get("parallelism.default"));
    assertFalse(env.config.getConfiguration().toMap().containsKey("table.exec.state.ttl"));
  }

  @Test
  public void failuresNameTheStatementPosition() throws Exception {
    StandInTableEnvironment env = StandInTableEnvironment.createForTest();
    ScriptExecutor.StatementFailedException e = assertThrows(
        ScriptExecutor.StatementFailedException.class,
        () -> new ScriptExecutor(env).run(StatementFile.parse(TestFiles.read("failing.statements"))));
    assertTrue(e.getMessage(), e.getMessage().startsWith("statement at line 3, column 5 (INSERT) failed"));
    assertTrue(e.getMessage(), e.getMessage().contains("stand_in_fails"));
    assertEquals(0, env.jobsSubmitted);
  }

  @Test
  public void selectIsRefusedWithAReason() throws Exception {
    StandInTableEnvironment env = StandInTableEnvironment.createForTest();
    ScriptExecutor.StatementFailedException e = assertThrows(
        ScriptExecutor.StatementFailedException.class,
        () -> new ScriptExecutor(env).run(StatementFile.parse(TestFiles.read("select.statements"))));
    assertTrue(e.getMessage(), e.getMessage().contains("INSERT INTO"));
  }
}
