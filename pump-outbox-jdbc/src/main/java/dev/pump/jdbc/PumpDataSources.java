package dev.pump.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.PumpConfigurationException;
import java.time.Duration;

/**
 * Builds the HikariCP pool Pump uses when the application does not pass one of its own.
 *
 * <p>Services that already have a pool should pass it instead, so that business writes and Pump's
 * rows share connections. Thread-safe: it holds no state.
 */
public final class PumpDataSources {
  /** Pool size when none is given: {@value}. */
  public static final int DEFAULT_MAXIMUM_POOL_SIZE = 10;

  /** How long a caller waits for a free connection before failing: 10 seconds. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  private PumpDataSources() {}

  /**
   * A pool of at most {@code maximumPoolSize} connections to {@code jdbcUrl}. The caller closes it.
   *
   * @throws PumpConfigurationException if the URL is not a PostgreSQL JDBC URL or the size is out
   *     of range; no connection is attempted then
   */
  public static HikariDataSource pooled(
      String jdbcUrl, String user, String password, int maximumPoolSize) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new PumpConfigurationException(
          "jdbcUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), was "
              + jdbcUrl);
    }
    if (maximumPoolSize < 1 || maximumPoolSize > 1_000) {
      throw new PumpConfigurationException(
          "maximumPoolSize must be between 1 and 1000, was " + maximumPoolSize);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(maximumPoolSize);
    config.setConnectionTimeout(DEFAULT_CONNECTION_TIMEOUT.toMillis());
    config.setPoolName("pump");
    return new HikariDataSource(config);
  }

  /**
   * Same as {@link #pooled(String, String, String, int)} with {@value DEFAULT_MAXIMUM_POOL_SIZE}.
   */
  public static HikariDataSource pooled(String jdbcUrl, String user, String password) {
    return pooled(jdbcUrl, user, password, DEFAULT_MAXIMUM_POOL_SIZE);
  }
}
