package dev.pump.jdbc.internal.sql;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Loggers;
import java.sql.SQLException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints that share one storage's connection pool, held against the pool's size. Every
 * message in flight holds a connection for its whole transaction, so an endpoint that runs more
 * messages at once than the pool has connections only makes them wait for one, and fail after the
 * pool's timeout: it is refused. Several endpoints that together could take more than the pool are
 * only warned about, since they rarely all run at their limit at once. A pool whose size cannot be
 * read (not HikariCP, even unwrapped) is not checked. Thread-safe.
 */
public final class PoolBudget {
  private static final Logger log = LoggerFactory.getLogger(Loggers.STORAGE);

  private final DataSource dataSource;
  private final Map<String, Integer> endpoints = new ConcurrentHashMap<>();

  /** A budget for the pool behind {@code dataSource}. */
  public PoolBudget(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Checks an endpoint of {@code concurrency} against the pool and counts it among the pool's
   * users; each of its messages holds {@code perMessage} connections (two where a queue claim runs
   * apart from the handler's transaction).
   *
   * @throws PumpConfigurationException naming the numbers if it alone exceeds the pool
   */
  public void check(String endpoint, int concurrency, int perMessage) {
    OptionalInt size = maximumPoolSize(dataSource);
    if (size.isEmpty()) {
      return;
    }
    int connections = size.getAsInt();
    int needed = concurrency * perMessage;
    if (needed > connections) {
      throw new PumpConfigurationException(
          "endpoint "
              + endpoint
              + " handles up to "
              + concurrency
              + " messages at once (endpoint.concurrency), each holding "
              + (perMessage == 1
                  ? "a connection for its transaction"
                  : perMessage + " connections (its queue claim and its handlers' transaction)")
              + ", but the storage's pool has "
              + connections
              + " (maximumPoolSize): enlarge the pool to at least "
              + needed
              + " or lower the concurrency");
    }
    endpoints.put(endpoint, needed);
    int total = endpoints.values().stream().mapToInt(Integer::intValue).sum();
    if (total > connections) {
      log.warn(
          "Endpoints {} share a pool of {} connections and may hold {} at once; messages will wait"
              + " for connections at their limits: enlarge the pool or lower their concurrency",
          endpoints,
          connections,
          total);
    }
  }

  /** The pool's maximum size, if it can be read. */
  public OptionalInt size() {
    return maximumPoolSize(dataSource);
  }

  /** The pool's maximum size, if it is a HikariCP pool (directly or wrapped). */
  static OptionalInt maximumPoolSize(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource pool) {
      return OptionalInt.of(pool.getMaximumPoolSize());
    }
    try {
      if (dataSource.isWrapperFor(HikariDataSource.class)) {
        return OptionalInt.of(dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize());
      }
    } catch (SQLException e) {
      log.debug("cannot unwrap {} to read its pool size", dataSource, e);
    }
    return OptionalInt.empty();
  }
}
