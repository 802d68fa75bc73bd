package dev.pump.jdbc.internal.sql;

import java.sql.Connection;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;

/**
 * Jdbi handles over connections that someone else owns, in a transaction someone else ends: a
 * transaction host's, or the application's own. Closing such a handle leaves the connection and its
 * transaction as they are. Thread-safe.
 */
public final class BorrowedConnections {
  private final ThreadLocal<Connection> lent = new ThreadLocal<>();
  private final Jdbi jdbi;

  /** Creates the handles' own Jdbi. */
  public BorrowedConnections() {
    this.jdbi = Jdbi.create(new Lender());
    // the transaction is open when Pump's handle closes; its owner ends it
    jdbi.getConfig(Handles.class).setForceEndTransactions(false);
  }

  /** A handle over {@code connection}; closing it does nothing to the connection. */
  public Handle open(Connection connection) {
    lent.set(connection);
    try {
      return jdbi.open();
    } finally {
      lent.remove();
    }
  }

  private final class Lender implements ConnectionFactory {
    @Override
    public Connection openConnection() {
      Connection connection = lent.get();
      if (connection == null) {
        throw new IllegalStateException("no connection was lent");
      }
      return connection;
    }

    @Override
    public void closeConnection(Connection connection) {
      // the owner closes it
    }
  }
}
