package dev.pump.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * One fresh PostgreSQL database that belongs to one test class. Created by {@link
 * PostgresExtension}; dropped when the class is done.
 *
 * <p>Thread-safe: the pooled {@link #dataSource()} may be used from any thread.
 */
public final class TestDatabase implements AutoCloseable {
  private final String name;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Runnable drop;
  private HikariDataSource dataSource;

  TestDatabase(String name, String jdbcUrl, String user, String password, Runnable drop) {
    this.name = name;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.drop = drop;
  }

  /** The database's name, unique to its test class. */
  public String name() {
    return name;
  }

  /** A JDBC URL of this database. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user to connect as. */
  public String user() {
    return user;
  }

  /** The password to connect with (may be empty). */
  public String password() {
    return password;
  }

  /** A small HikariCP pool (10 connections) on this database, created on first use. */
  public synchronized DataSource dataSource() {
    if (dataSource == null) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setUsername(user);
      config.setPassword(password);
      config.setMaximumPoolSize(10);
      config.setPoolName("test-" + name);
      dataSource = new HikariDataSource(config);
    }
    return dataSource;
  }

  /** A new unpooled connection; the caller closes it. */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /** Closes the pool and drops the database. */
  @Override
  public synchronized void close() {
    if (dataSource != null) {
      dataSource.close();
      dataSource = null;
    }
    drop.run();
  }

  @Override
  public String toString() {
    return "TestDatabase[" + jdbcUrl + "]";
  }
}
