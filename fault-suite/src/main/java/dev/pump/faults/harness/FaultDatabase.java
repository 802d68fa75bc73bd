package dev.pump.faults.harness;

import dev.pump.testkit.EmbeddedPostgresServer;
import dev.pump.testkit.ExternalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The PostgreSQL server a fault run uses: the external one named by {@code PUMP_TEST_JDBC_URL}
 * (with {@code PUMP_TEST_JDBC_USER}, {@code PUMP_TEST_JDBC_PASSWORD}), else the testkit's embedded
 * one, whose port and data directory survive a stop, so it can be stopped and started again on the
 * same data, like a database server restart. Each run gets a fresh database of its own.
 */
public final class FaultDatabase implements AutoCloseable {
  private final ExternalPostgres external;
  private final EmbeddedPostgresServer embedded;

  private FaultDatabase(ExternalPostgres external, EmbeddedPostgresServer embedded) {
    this.external = external;
    this.embedded = embedded;
  }

  /** The external server from the environment, else a new embedded one, started. */
  public static FaultDatabase start() {
    Optional<ExternalPostgres> external = ExternalPostgres.fromEnvironment();
    if (external.isPresent()) {
      return new FaultDatabase(external.get(), null);
    }
    return new FaultDatabase(
        null,
        EmbeddedPostgresServer.builder().disposable().setting("max_connections", "400").start());
  }

  /** True when the server is embedded, so {@link #stopServer()} and restarts are possible. */
  public boolean embedded() {
    return embedded != null;
  }

  /** Starts the embedded server on its port and data directory again, after a stop. */
  public void startServer() {
    requireEmbedded().start();
  }

  /** Stops the embedded server (fast shutdown: sessions are cut, the data stays). */
  public void stopServer() {
    requireEmbedded().stop();
  }

  /** Creates a fresh database and returns its JDBC URL. */
  public String createDatabase(String prefix) throws SQLException {
    String name =
        prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "")
            + "_"
            + Long.toString(System.nanoTime(), 36);
    try (Connection c = connect(adminUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return urlFor(name);
  }

  /** Terminates every session of {@code database} except the caller's; returns how many. */
  public int terminateConnections(String jdbcUrl) throws SQLException {
    try (Connection c = connect(jdbcUrl);
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A new unpooled connection to {@code jdbcUrl}; the caller closes it. */
  public Connection connect(String jdbcUrl) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user());
    properties.setProperty("password", password());
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /** The user every process connects as. */
  public String user() {
    return embedded() ? embedded.user() : external.user();
  }

  /** The password every process connects with (may be empty). */
  public String password() {
    return embedded() ? embedded.password() : external.password();
  }

  private String adminUrl() {
    return embedded() ? embedded.jdbcUrl("postgres") : external.jdbcUrl();
  }

  private String urlFor(String database) {
    return embedded() ? embedded.jdbcUrl(database) : external.urlFor(database);
  }

  private EmbeddedPostgresServer requireEmbedded() {
    if (!embedded()) {
      throw new IllegalStateException("the external server from PUMP_TEST_JDBC_URL is not ours");
    }
    return embedded;
  }

  /** Stops the embedded server and deletes its data; leaves an external server alone. */
  @Override
  public void close() {
    if (embedded()) {
      embedded.close();
    }
  }
}
