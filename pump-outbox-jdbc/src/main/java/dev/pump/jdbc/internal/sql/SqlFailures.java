package dev.pump.jdbc.internal.sql;

import dev.pump.core.UnrecoverableMessageException;
import java.sql.SQLException;

/**
 * Tells the database failures that retrying cannot fix from the rest. PostgreSQL refuses some data
 * for good: a NUL character in text, a value too long for its column, malformed JSON, a number out
 * of range (SQL state class 22, data exception), a value past a hard limit such as an index row's
 * size (class 54), a null for a NOT NULL column (23502) or a value a CHECK constraint refuses
 * (23514). The same message meets the same refusal on every attempt, so such a failure is
 * unrecoverable: the message is parked at once, with the database's reason. Unique and foreign-key
 * violations are not among them: another transaction's commit can change their outcome.
 */
public final class SqlFailures {
  private static final String NOT_NULL_VIOLATION = "23502";
  private static final String CHECK_VIOLATION = "23514";

  private SqlFailures() {}

  /**
   * The first SQL state in {@code failure}'s cause chain that marks a permanent refusal, or null.
   */
  public static String permanentState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnrecoverableMessageException) {
        return null; // already classified
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("22")
            || state.startsWith("54")
            || state.equals(NOT_NULL_VIOLATION)
            || state.equals(CHECK_VIOLATION)) {
          return state;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * {@code failure} as an {@link UnrecoverableMessageException} that names {@code what} and the
   * database's reason if it is a permanent refusal, otherwise {@code failure} itself.
   */
  public static Throwable classify(String what, Throwable failure) {
    String state = permanentState(failure);
    if (state == null) {
      return failure;
    }
    SQLException sql = sqlException(failure);
    return new UnrecoverableMessageException(
        what
            + ": the database refused its data for good (SQL state "
            + state
            + "): "
            + (sql == null ? failure.getMessage() : sql.getMessage()),
        failure);
  }

  /** {@link #classify(String, Throwable)} for an unchecked failure. */
  public static RuntimeException classify(String what, RuntimeException failure) {
    return (RuntimeException) classify(what, (Throwable) failure);
  }

  private static SQLException sqlException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
