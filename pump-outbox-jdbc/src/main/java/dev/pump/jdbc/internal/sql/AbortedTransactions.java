package dev.pump.jdbc.internal.sql;

import dev.pump.core.PumpException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Transactions that a failed statement aborted although the failure was caught. PostgreSQL then
 * refuses every statement until the transaction, or the savepoint before the failure, is rolled
 * back, and turns a commit into a rollback without an error: work that went on after such a catch
 * would be lost silently, and in a transaction several messages share, would fail the messages
 * after it. The driver knows the state from the server's last reply, so asking costs no round trip.
 */
public final class AbortedTransactions {
  private AbortedTransactions() {}

  /**
   * Whether the transaction on {@code connection} is aborted; false when the connection does not
   * lead to PostgreSQL's driver, which cannot then tell.
   */
  public static boolean isAborted(Connection connection) {
    try {
      return connection.isWrapperFor(BaseConnection.class)
          && connection.unwrap(BaseConnection.class).getTransactionState()
              == TransactionState.FAILED;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * The failure to report for {@code what}, whose transaction on {@code connection} is aborted,
   * caused by the error that aborted it: the driver names that error when one more statement is
   * refused (one round trip, on this failure path only).
   */
  public static PumpException failure(String what, Connection connection) {
    Throwable caught;
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
      caught = null;
    } catch (SQLException refused) {
      caught = refused.getCause() instanceof SQLException first ? first : refused;
    }
    return new PumpException(
        what
            + " went on after a database error that was caught"
            + (caught == null ? "" : " (" + caught.getMessage() + ")")
            + ", and PostgreSQL refuses the rest of a transaction after a failed statement: let"
            + " the error fail the handler, or roll back to a savepoint set before the statement"
            + " that may fail (for duplicates, INSERT ... ON CONFLICT needs neither)",
        caught);
  }
}
