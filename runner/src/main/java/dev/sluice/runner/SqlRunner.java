package dev.sluice.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * The main class of SQL jobs on Flink 1.x: reads the statements file Sluice mounted into
 * the JobManager (never SQL in program arguments, never platform credentials) and runs it.
 *
 * <p>Arguments: {@code --statements PATH [--mode streaming|batch]}.
 */
public final class SqlRunner {
  private SqlRunner() {}

  public static void main(String[] args) throws IOException {
    Path file = null;
    boolean batch = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--statements") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (a.equals("--mode") && i + 1 < args.length) {
        String mode = args[++i];
        if (!mode.equals("streaming") && !mode.equals("batch")) {
          throw new IllegalArgumentException("--mode must be streaming or batch, not " + mode);
        }
        batch = mode.equals("batch");
      } else {
        throw new IllegalArgumentException(
            "unknown argument " + a + "; usage: --statements PATH [--mode streaming|batch]");
      }
    }
    if (file == null) {
      throw new IllegalArgumentException("missing --statements PATH");
    }
    List<Statement> statements = StatementFile.parse(Files.readAllBytes(file));
    EnvironmentSettings.Builder settings = EnvironmentSettings.newInstance();
    TableEnvironment tableEnv =
        TableEnvironment.create(batch ? settings.inBatchMode().build() : settings.inStreamingMode().build());
    Optional<TableResult> result = new ScriptExecutor(tableEnv).run(statements);
    System.out.println(
        "sluice-sql-runner: ran " + statements.size() + " statements"
            + result.flatMap(TableResult::getJobClient)
                .map(c -> ", submitted job " + c.getJobID())
                .orElse(", no job submitted"));
  }
}
