package dev.pump.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Embedded PostgreSQL (zonky, on the binaries the build pins) on a loopback port and a data
 * directory of its own: the one starter of the tests, the benchmarks, the fault suite and the
 * examples.
 *
 * <p>The port and the data directory stay the same across {@link #stop()} and {@link #start()}, so
 * a harness can restart the server on the same data, as a database server restart does. {@link
 * #close()} stops the server and deletes its data; it also runs when the JVM exits. Thread-safe.
 *
 * <pre>{@code
 * try (EmbeddedPostgresServer server = EmbeddedPostgresServer.builder().disposable().start()) {
 *   String url = server.jdbcUrl("postgres");
 * }
 * }</pre>
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  /** The superuser every embedded server has; its password is empty. */
  public static final String USER = "postgres";

  private static final String HOST = "127.0.0.1";

  private final Map<String, String> settings;
  private final Duration startupWait;
  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgres running;
  private boolean closed;

  private EmbeddedPostgresServer(Builder builder, Path dataDirectory, int port) {
    this.settings = Map.copyOf(builder.settings);
    this.startupWait = builder.startupWait;
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  /** A builder with zonky's server settings, listening on {@code 127.0.0.1} only. */
  public static Builder builder() {
    return new Builder();
  }

  /** The JDBC URL of {@code database} on this server, valid across restarts. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  /** The loopback port the server listens on, the same across restarts. */
  public int port() {
    return port;
  }

  /** The user to connect as: {@value #USER}. */
  public String user() {
    return USER;
  }

  /** The password to connect with: empty. */
  public String password() {
    return "";
  }

  /** Starts the server again on its port and data directory, after {@link #stop()}. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("embedded PostgreSQL on port " + port + " is closed");
    }
    if (running != null) {
      return;
    }
    EmbeddedPostgres.Builder zonky =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            // close() stops the server and deletes the data; zonky's own hook would race with it
            .setRegisterShutdownHook(false)
            .setPort(port)
            .setPGStartupWait(startupWait);
    zonky.setServerConfig("listen_addresses", HOST);
    settings.forEach(zonky::setServerConfig);
    try {
      running = zonky.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start embedded PostgreSQL on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server (a fast shutdown: sessions are cut, the data stays). Idempotent. */
  public synchronized void stop() {
    if (running != null) {
      try {
        running.close();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot stop embedded PostgreSQL on port " + port + ": " + e.getMessage(), e);
      } finally {
        running = null;
      }
    }
  }

  /** Stops the server and deletes its data directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    try (var files = Files.walk(dataDirectory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: what is left, the operating system cleans
    }
  }

  /** The server's settings; {@link #start()} starts it. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Duration startupWait = Duration.ofSeconds(10);

    private Builder() {}

    /** Sets a server setting ({@code postgres -c name=value}); a later call for a name wins. */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    /** Data that is thrown away: trades durability for speed ({@code fsync} and full pages off). */
    public Builder disposable() {
      return setting("fsync", "off").setting("full_page_writes", "off");
    }

    /** How long to wait for the server to accept connections. Default 10 seconds. */
    public Builder startupWait(Duration wait) {
      this.startupWait = wait;
      return this;
    }

    /**
     * Starts a server on a free loopback port and a new temporary data directory.
     *
     * @throws UncheckedIOException if the server cannot start
     */
    public EmbeddedPostgresServer start() {
      EmbeddedPostgresServer server;
      try {
        server =
            new EmbeddedPostgresServer(
                this, Files.createTempDirectory("pump-postgres"), freeLoopbackPort());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare embedded PostgreSQL: " + e.getMessage(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
      server.start();
      return server;
    }

    private static int freeLoopbackPort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        return socket.getLocalPort();
      }
    }
  }
}
