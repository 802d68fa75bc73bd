package dev.pump.jdbc.internal.dispatcher;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.internal.shared.Problems;
import javax.sql.DataSource;

/**
 * Fits a dispatcher's send parallelism to the pool its sends and its cycle share, when the
 * transport sends through the storage's own pool (a PostgreSQL queue): each send in flight holds a
 * connection and the cycle one more, and a send waiting for a connection is a send that fails after
 * the pool's timeout.
 */
public final class SendParallelism {
  private SendParallelism() {}

  /**
   * The parallelism to run with.
   *
   * @param explicit the value set, or null for the default
   * @param defaultValue the default before fitting
   * @param sharedPool the pool the sends share with the cycle, or null when they do not
   * @param problems where a value the pool cannot serve is named
   */
  public static int fit(
      Integer explicit, int defaultValue, DataSource sharedPool, Problems problems) {
    int wanted = explicit != null ? explicit : defaultValue;
    if (wanted < 1 || wanted > 256) {
      return 1; // named already
    }
    if (!(sharedPool instanceof HikariDataSource pool)) {
      return wanted; // another pool, or one whose size is unknown
    }
    int spare = pool.getMaximumPoolSize() - 1; // the cycle holds one connection
    // by default half of the rest: endpoints receiving on the same pool hold connections too
    int fitted = explicit != null ? wanted : Math.min(wanted, Math.max(1, spare / 2));
    if (fitted < 1 || fitted > spare) {
      problems.add(
          "dispatcher.sendParallelism "
              + Math.max(fitted, 1)
              + " with a PostgresTransport on the dispatcher's own pool needs "
              + (Math.max(fitted, 1) + 1)
              + " connections (one per send in flight and the cycle's own), but the pool's"
              + " maximumPoolSize is "
              + pool.getMaximumPoolSize()
              + ": enlarge the pool or lower sendParallelism");
    }
    return Math.max(fitted, 1);
  }
}
