package org.apache.flink.table.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobID;

/**
 * Records what the runner asks of the Table API, so tests can check it. Statements
 * containing {@link #FAIL_MARKER} fail the way Flink's validation would.
 */
public final class StandInTableEnvironment implements TableEnvironment {
  public static final String FAIL_MARKER = "stand_in_fails";
  public static final List<StandInTableEnvironment> CREATED = new ArrayList<>();

  public final EnvironmentSettings settings;
  public final TableConfig config = new TableConfig();
  public final List<String> calls = new ArrayList<>();
  public int jobsSubmitted;

  private StandInTableEnvironment(EnvironmentSettings settings) {
    this.settings = settings;
  }

  static StandInTableEnvironment create(EnvironmentSettings settings) {
    StandInTableEnvironment env = new StandInTableEnvironment(settings);
    CREATED.add(env);
    return env;
  }

  public static StandInTableEnvironment createForTest() {
    return create(EnvironmentSettings.newInstance().build());
  }

  @Override
  public TableConfig getConfig() {
    return config;
  }

  @Override
  public TableResult executeSql(String statement) {
    check(statement);
    calls.add("executeSql:" + statement);
    if (statement.trim().toUpperCase().startsWith("INSERT")) {
      return submit();
    }
    return Optional::empty;
  }

  @Override
  public StatementSet createStatementSet() {
    calls.add("createStatementSet");
    return new StatementSet() {
      @Override
      public StatementSet addInsertSql(String statement) {
        check(statement);
        calls.add("addInsertSql:" + statement);
        return this;
      }

      @Override
      public TableResult execute() {
        calls.add("execute");
        return submit();
      }
    };
  }

  private TableResult submit() {
    jobsSubmitted++;
    JobID id = new JobID(String.format("%032x", jobsSubmitted));
    return () -> Optional.of(() -> id);
  }

  private static void check(String statement) {
    if (statement.contains(FAIL_MARKER)) {
      throw new ValidationException("Object '" + FAIL_MARKER + "' not found");
    }
  }
}
