package dev.pump.jdbc;

import dev.pump.jdbc.spi.HostedTransaction;
import dev.pump.jdbc.spi.TransactionHost;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * A transaction manager of the kind a framework runs, in a few lines, for the storage's host seam:
 * one transaction per thread on a pooled connection, which a second {@code begin} on the same
 * thread joins (its commit is left to the outer one, its rollback marks the outer one for
 * rollback). It counts what Pump asks of it.
 */
final class ThreadTransactions implements TransactionHost {
  final AtomicInteger begun = new AtomicInteger();
  final AtomicInteger committed = new AtomicInteger();
  final AtomicInteger rolledBack = new AtomicInteger();
  final AtomicInteger flushes = new AtomicInteger();
  final AtomicInteger savepointRollbacks = new AtomicInteger();
  private final DataSource dataSource;
  private final ThreadLocal<Outer> current = new ThreadLocal<>();

  ThreadTransactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public HostedTransaction begin(TransactionIsolationLevel isolation) {
    Outer outer = current.get();
    if (outer != null) {
      return new Joined(outer);
    }
    try {
      Connection connection = dataSource.getConnection();
      connection.setAutoCommit(false);
      Outer begun = new Outer(connection);
      current.set(begun);
      this.begun.incrementAndGet();
      return begun;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The thread's own transaction, as the application's code would begin it. */
  Outer beginOuter() {
    return (Outer) begin(TransactionIsolationLevel.READ_COMMITTED);
  }

  /** A transaction of the thread's own. */
  final class Outer implements HostedTransaction {
    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();
    private boolean rollbackOnly;

    private Outer(Connection connection) {
      this.connection = connection;
    }

    @Override
    public Connection connection() {
      return connection;
    }

    @Override
    public void afterCommit(Runnable action) {
      afterCommit.add(action);
    }

    @Override
    public void flush() {
      flushes.incrementAndGet();
    }

    @Override
    public void rolledBackToSavepoint() {
      savepointRollbacks.incrementAndGet();
    }

    @Override
    public void commit() {
      if (rollbackOnly) {
        rollback();
        throw new IllegalStateException("the transaction was marked for rollback");
      }
      end(true);
      committed.incrementAndGet();
      afterCommit.forEach(Runnable::run);
    }

    @Override
    public void rollback() {
      end(false);
      rolledBack.incrementAndGet();
    }

    private void end(boolean commit) {
      current.remove();
      try (connection) {
        if (commit) {
          connection.commit();
        } else {
          connection.rollback();
        }
        connection.setAutoCommit(true);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A part of the thread's transaction: its owner commits. */
  private static final class Joined implements HostedTransaction {
    private final Outer outer;

    private Joined(Outer outer) {
      this.outer = outer;
    }

    @Override
    public Connection connection() {
      return outer.connection;
    }

    @Override
    public void afterCommit(Runnable action) {
      outer.afterCommit(action);
    }

    @Override
    public void commit() {}

    @Override
    public void rollback() {
      outer.rollbackOnly = true;
    }
  }
}
