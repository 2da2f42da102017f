package dev.sluice.runner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Runs checked statements in order as exactly one Flink job: SET and RESET change the
 * table configuration, every INSERT (inside a statement set or not) joins one statement set
 * executed at the end, everything else goes to {@link TableEnvironment#executeSql}. One job
 * per application keeps application mode with high availability working.
 */
public final class ScriptExecutor {
  private final TableEnvironment tableEnv;
  private final Map<String, String> initial = new HashMap<>();

  public ScriptExecutor(TableEnvironment tableEnv) {
    this.tableEnv = tableEnv;
    initial.putAll(tableEnv.getConfig().getConfiguration().toMap());
  }

  /** Returns the submitted job's result, or empty when the script has no INSERT. */
  public Optional<TableResult> run(List<Statement> statements) {
    List<Statement> inserts = new ArrayList<>();
    for (Statement s : statements) {
      try {
        switch (s.kind()) {
          case "SET":
            set(s);
            break;
          case "RESET":
            reset(s);
            break;
          case "INSERT":
            inserts.add(s);
            break;
          case "BEGIN_STATEMENT_SET":
          case "END":
            break;
          case "SELECT":
          case "EXECUTE_STATEMENT_SET":
            throw new IllegalArgumentException(
                s.kind().equals("SELECT")
                    ? "a SELECT cannot run as a job; write its result with INSERT INTO a table"
                    : "statement sets must be split into their INSERTs before they reach the runner");
          default:
            tableEnv.executeSql(s.text());
        }
      } catch (RuntimeException e) {
        throw new StatementFailedException(s, e);
      }
    }
    if (inserts.isEmpty()) {
      return Optional.empty();
    }
    StatementSet set = tableEnv.createStatementSet();
    for (Statement s : inserts) {
      try {
        set.addInsertSql(s.text());
      } catch (RuntimeException e) {
        throw new StatementFailedException(s, e);
      }
    }
    return Optional.of(set.execute());
  }

  private void set(Statement s) {
    String key = s.attribute("key");
    String value = s.attribute("value");
    if (key == null || value == null) {
      throw new IllegalArgumentException("SET without key and value attributes");
    }
    tableEnv.getConfig().set(key, value);
  }

  private void reset(Statement s) {
    String key = s.attribute("key");
    Map<String, String> current = tableEnv.getConfig().getConfiguration().toMap();
    for (String k : key == null ? List.copyOf(current.keySet()) : List.of(key)) {
      if (initial.containsKey(k)) {
        tableEnv.getConfig().set(k, initial.get(k));
      } else {
        tableEnv.getConfig().getConfiguration().removeConfig(ConfigOptions.key(k).stringType().noDefaultValue());
      }
    }
  }

  /** Names the statement and its position in the user's script. */
  public static final class StatementFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StatementFailedException(Statement s, RuntimeException cause) {
      super("statement at " + s.position() + " (" + s.kind() + ") failed: " + cause.getMessage(), cause);
    }
  }
}
