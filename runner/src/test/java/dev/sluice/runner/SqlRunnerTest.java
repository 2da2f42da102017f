package dev.sluice.runner;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.apache.flink.table.api.StandInTableEnvironment;
import org.junit.Test;

public class SqlRunnerTest {
  @Test
  public void mainRunsTheMountedFile() throws Exception {
    int before = StandInTableEnvironment.CREATED.size();
    SqlRunner.main(new String[] {"--statements", TestFiles.path("orders.statements").toString()});
    StandInTableEnvironment env = StandInTableEnvironment.CREATED.get(before);
    assertTrue(env.settings.isStreamingMode());
    assertEquals(1, env.jobsSubmitted);
  }

  @Test
  public void batchMode() throws Exception {
    int before = StandInTableEnvironment.CREATED.size();
    SqlRunner.main(new String[] {
      "--statements", TestFiles.path("orders.statements").toString(), "--mode", "batch"
    });
    assertFalse(StandInTableEnvironment.CREATED.get(before).settings.isStreamingMode());
  }

  @Test
  public void argumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> SqlRunner.main(new String[] {}));
    assertThrows(IllegalArgumentException.class, () -> SqlRunner.main(new String[] {"SELECT 1"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SqlRunner.main(new String[] {"--statements", "x", "--mode", "micro"}));
  }
}
