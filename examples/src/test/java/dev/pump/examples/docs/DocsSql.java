package dev.pump.examples.docs;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Runs the {@code ```sql} blocks of a page as one psql session would, on a database a test
 * prepared, and reports what failed with the page and line.
 *
 * <p>The page is one session on one connection, in one transaction that is rolled back at the end,
 * so a documented {@code SET}, {@code DELETE} or {@code UPDATE} runs for real and changes nothing;
 * each statement runs behind a savepoint, so one failure does not hide the next. Variables come
 * from the page's own {@code \set} lines (see {@link PsqlScript}), set in a {@code ```sql} block at
 * or above the query; a {@code \set} in a fence of another kind is a problem, since the test would
 * not see it.
 *
 * <p>A block that must not run, such as a template with placeholders or a statement that cannot run
 * inside a transaction ({@code VACUUM}, {@code CREATE INDEX CONCURRENTLY}), says so in its first
 * line, visible to readers too: {@code -- not run: <why>}. Such a block is still read as psql reads
 * it (its variables must be set, its quotes closed, its statements ended), and each of its queries
 * and data changes ({@code SELECT}, {@code WITH}, {@code INSERT}, {@code UPDATE}, {@code DELETE},
 * {@code MERGE}, {@code VALUES}) is prepared, which parses it and checks its tables and columns
 * without running it; other statements are only read. Transaction control ({@code BEGIN}, {@code
 * COMMIT}, ...) cannot run inside the test's session and must be in such a block.
 */
public final class DocsSql {
  /** The first line of a block the test must not run; the reason follows. */
  public static final String NOT_RUN = "-- not run:";

  private static final Pattern PREPARABLE =
      Pattern.compile("(?is)(select|with|insert|update|delete|merge|values|table)\\b.*");
  private static final Pattern TRANSACTION_CONTROL =
      Pattern.compile(
          "(?is)(begin|start\\s+transaction|commit|end|rollback|abort|savepoint|release"
              + "|prepare\\s+transaction)\\b.*");

  private DocsSql() {}

  /**
   * What a page's SQL blocks did.
   *
   * @param statementsRun statements that ran
   * @param statementsPrepared statements of {@code not run} blocks that were prepared
   * @param problems each failure, with the page, the line and the error
   */
  public record Outcome(int statementsRun, int statementsPrepared, List<String> problems) {}

  /**
   * Runs {@code page} (relative to the project root) on a connection of {@code dataSource}, after
   * {@code setup} statements that prepare the session (in the same transaction, also rolled back).
   */
  public static Outcome run(DataSource dataSource, Path page, List<String> setup)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (Statement statement = connection.createStatement()) {
          for (String sql : setup) {
            statement.execute(sql);
          }
        }
        return run(connection, page);
      } finally {
        connection.rollback();
      }
    }
  }

  private static Outcome run(Connection connection, Path page) {
    PsqlScript script = new PsqlScript(page.toString());
    List<String> problems = new ArrayList<>();
    int ran = 0;
    int prepared = 0;
    for (DocPages.Fence fence : DocPages.fences(page)) {
      if (!fence.info().equals("sql")) {
        for (int i = 0; i < fence.lines().size(); i++) {
          if (fence.lines().get(i).strip().startsWith("\\set")) {
            problems.add(
                page
                    + ":"
                    + (fence.firstLine() + i)
                    + ": a psql \\set outside a ```sql block: the docs test would not see it");
          }
        }
        continue;
      }
      String firstLine = fence.lines().stream().filter(l -> !l.isBlank()).findFirst().orElse("");
      boolean notRun = firstLine.strip().startsWith(NOT_RUN);
      if (notRun && firstLine.strip().substring(NOT_RUN.length()).isBlank()) {
        problems.add(page + ":" + fence.firstLine() + ": '" + NOT_RUN + "' without a reason");
      }
      PsqlScript.Read read = script.read(fence.firstLine(), String.join("\n", fence.lines()));
      problems.addAll(read.problems());
      for (PsqlScript.Statement statement : read.statements()) {
        String where = page + ":" + statement.line() + ": ";
        if (notRun) {
          if (PREPARABLE.matcher(statement.sql()).matches()) {
            String failure =
                execute(
                    connection,
                    "PREPARE pump_docs_check AS " + statement.sql(),
                    "DEALLOCATE pump_docs_check");
            prepared++;
            if (failure != null) {
              problems.add(where + failure + "\n" + statement.sql());
            }
          }
        } else if (TRANSACTION_CONTROL.matcher(statement.sql()).matches()) {
          problems.add(
              where
                  + "transaction control cannot run in the docs test's session; put it in a '"
                  + NOT_RUN
                  + "' block: "
                  + statement.sql());
        } else {
          String failure = execute(connection, statement.sql());
          ran++;
          if (failure != null) {
            problems.add(where + failure + "\n" + statement.sql());
          }
        }
      }
    }
    return new Outcome(ran, prepared, problems);
  }

  /** Runs the statements behind a savepoint; the error, or null. */
  private static String execute(Connection connection, String... sql) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SAVEPOINT pump_docs_statement");
      try {
        for (String each : sql) {
          statement.execute(each);
        }
        statement.execute("RELEASE SAVEPOINT pump_docs_statement");
        return null;
      } catch (SQLException e) {
        statement.execute("ROLLBACK TO SAVEPOINT pump_docs_statement");
        return e.getMessage() + " (SQL state " + e.getSQLState() + ")";
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the docs test's session broke", e);
    }
  }
}
