package dev.pump.jdbc.internal.sql;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Connections for LISTEN that are not taken from the application's pool for good: a fresh one from
 * the pool's own URL when the pool is HikariCP, the data source itself when it is unpooled, and as
 * a last resort one borrowed from an unknown pool (and kept).
 */
public final class DedicatedConnections {
  private DedicatedConnections() {}

  /** Opens a new connection each time it is called. */
  public static Callable<Connection> of(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
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
}
