package dev.pump.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The PostgreSQL server a fault run uses: the external one named by {@code PUMP_TEST_JDBC_URL}
 * (with {@code PUMP_TEST_JDBC_USER}, {@code PUMP_TEST_JDBC_PASSWORD}), else an embedded one (zonky)
 * on a fixed loopback port and data directory, so it can be stopped and started again on the same
 * data, like a database server restart. Each run gets a fresh database of its own.
 */
public final class FaultDatabase implements AutoCloseable {
  private final String externalUrl;
  private final String user;
  private final String password;
  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgres embedded;

  private FaultDatabase(String externalUrl, String user, String password, Path dir, int port) {
    this.externalUrl = externalUrl;
    this.user = user;
    this.password = password;
    this.dataDirectory = dir;
    this.port = port;
  }

  /** The external server from the environment, else a new embedded one. */
  public static FaultDatabase start() throws IOException {
    String url = System.getenv("PUMP_TEST_JDBC_URL");
    if (url != null && !url.isBlank()) {
      return new FaultDatabase(
          url.trim(),
          System.getenv().getOrDefault("PUMP_TEST_JDBC_USER", "postgres"),
          System.getenv().getOrDefault("PUMP_TEST_JDBC_PASSWORD", ""),
          null,
          -1);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    FaultDatabase db =
        new FaultDatabase(null, "postgres", "", Files.createTempDirectory("pump-faults-pg"), port);
    db.startServer();
    return db;
  }

  /** True when the server is embedded, so {@link #stopServer()} and restarts are possible. */
  public boolean embedded() {
    return externalUrl == null;
  }

  /** Starts the embedded server on its port and data directory (again, after a stop). */
  public synchronized void startServer() throws IOException {
    requireEmbedded();
    embedded =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            // our close() stops it and deletes the data; zonky's own hook would race with it
            .setRegisterShutdownHook(false)
            .setPort(port)
            .setServerConfig("fsync", "off")
            .setServerConfig("full_page_writes", "off")
            .setServerConfig("max_connections", "400")
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
  }

  /** Stops the embedded server (fast shutdown: sessions are cut, the data stays). */
  public synchronized void stopServer() throws IOException {
    requireEmbedded();
    if (embedded != null) {
      embedded.close();
      embedded = null;
    }
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
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /** The user every process connects as. */
  public String user() {
    return user;
  }

  /** The password every process connects with (may be empty). */
  public String password() {
    return password;
  }

  private String adminUrl() {
    return embedded() ? urlFor("postgres") : externalUrl;
  }

  private String urlFor(String database) {
    if (embedded()) {
      return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }
    return externalUrl.replaceFirst("(jdbc:postgresql://[^/?]+/)[^?]*", "$1" + database);
  }

  private void requireEmbedded() {
    if (!embedded()) {
      throw new IllegalStateException("the external server from PUMP_TEST_JDBC_URL is not ours");
    }
  }

  /** Stops the embedded server and deletes its data; leaves an external server alone. */
  @Override
  public synchronized void close() throws IOException {
    if (embedded()) {
      stopServer();
      try (var files = Files.walk(dataDirectory)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
