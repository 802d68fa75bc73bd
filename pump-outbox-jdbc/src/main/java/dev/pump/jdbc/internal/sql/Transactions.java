package dev.pump.jdbc.internal.sql;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** Starting transactions at an isolation level without touching the pooled session. */
public final class Transactions {
  private Transactions() {}

  /**
   * Begins a transaction on {@code handle}. READ COMMITTED, PostgreSQL's default, costs nothing
   * more; any other level is set for this transaction only ({@code SET TRANSACTION}, one round
   * trip), never for the pooled connection's session, so the pool's other users are unaffected.
   */
  public static void begin(Handle handle, TransactionIsolationLevel isolation) {
    handle.begin();
    String level =
        switch (isolation) {
          case READ_UNCOMMITTED -> "READ UNCOMMITTED";
          case REPEATABLE_READ -> "REPEATABLE READ";
          case SERIALIZABLE -> "SERIALIZABLE";
          case READ_COMMITTED, NONE, UNKNOWN -> null;
        };
    if (level != null) {
      handle.execute("SET TRANSACTION ISOLATION LEVEL " + level);
    }
  }
}
