package dev.pump.jdbc.internal.sql;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Connections for LISTEN and the notifier that are not taken from the application's pool for good:
 * a fresh one from the pool's own URL when the pool is HikariCP, the data source itself when it is
 * unpooled, and as a last resort one borrowed from an unknown pool.
 */
public final class DedicatedConnections {
  private DedicatedConnections() {}

  /** Opens a new connection each time it is called (borrows one, for an unknown pool). */
  public static Callable<Connection> of(DataSource dataSource) {
    if (isHikariWithUrl(dataSource)) {
      HikariDataSource hikari = (HikariDataSource) dataSource;
      return () -> {
        Properties properties = new Properties();
        if (hikari.getUsername() != null) {
          properties.setProperty("user", hikari.getUsername());
        }
        if (hikari.getPassword() != null) {
          properties.setProperty("password", hikari.getPassword());
        }
        return DriverManager.getConnection(hikari.getJdbcUrl(), properties);
      };
    }
    if (dataSource instanceof PGSimpleDataSource simple) {
      return simple::getConnection;
    }
    return dataSource::getConnection;
  }

  /**
   * Whether {@link #of} opens connections outside any pool, so that keeping one open takes nothing
   * from the application; false when it borrows from an unknown pool.
   */
  public static boolean outsideThePool(DataSource dataSource) {
    return isHikariWithUrl(dataSource) || dataSource instanceof PGSimpleDataSource;
  }

  private static boolean isHikariWithUrl(DataSource dataSource) {
    return dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null;
  }
}
