package dev.pump.benchmarks.soak;

import dev.pump.benchmarks.harness.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A REPEATABLE READ transaction that takes its snapshot (a {@code SELECT}) and then stays open:
 * while it does, no vacuum may remove a row version it could still see, anywhere in the database.
 * The soak holds one open for minutes, as a stuck report or a forgotten session would.
 */
public final class LongTransaction {
  static final String APPLICATION = "pump-bench-long-tx";

  private final AtomicLong beganNanos = new AtomicLong(-1);
  private final AtomicLong endedNanos = new AtomicLong(-1);
  private final Thread thread;
  private volatile Exception failure;

  private LongTransaction(DataSource pool, long startNanos, Duration after, Duration length) {
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("bench-long-transaction")
            .start(() -> {
              try {
                sleepUntil(startNanos + after.toNanos());
                try (Connection connection = pool.getConnection()) {
                  connection.setAutoCommit(false);
                  connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                  try (Statement statement = connection.createStatement();
                      ResultSet rows =
                          statement.executeQuery(
                              "SELECT count(*) AS bench_probe FROM "
                                  + Database.PUMP_SCHEMA
                                  + ".inbox")) {
                    rows.next(); // the snapshot is taken here and held until the rollback
                  }
                  beganNanos.set(System.nanoTime());
                  sleepUntil(beganNanos.get() + length.toNanos());
                  connection.rollback();
                  endedNanos.set(System.nanoTime());
                }
              } catch (SQLException | RuntimeException e) {
                failure = e;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  /**
   * Starts the transaction {@code after} the time {@code startNanos} ({@link System#nanoTime()})
   * and ends it {@code length} later, on a connection of {@code pool}.
   */
  static LongTransaction schedule(
      DataSource pool, long startNanos, Duration after, Duration length) {
    return new LongTransaction(pool, startNanos, after, length);
  }

  /** Whether the snapshot is held right now. */
  boolean open() {
    return beganNanos.get() >= 0 && endedNanos.get() < 0;
  }

  /** When the snapshot was taken, or -1. */
  long beganNanos() {
    return beganNanos.get();
  }

  /** When the transaction ended, or -1. */
  long endedNanos() {
    return endedNanos.get();
  }

  /** Waits for the transaction to end; rethrows its failure. */
  void await() throws Exception {
    thread.join();
    if (failure != null) {
      throw failure;
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait;
    while ((wait = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, wait / 1_000_000));
    }
  }
}
