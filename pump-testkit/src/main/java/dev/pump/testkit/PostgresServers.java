package dev.pump.testkit;

import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Chooses the test PostgreSQL server once per JVM and logs the choice. */
final class PostgresServers {
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
    Optional<ExternalPostgres> external = ExternalPostgres.from(env);
    if (external.isPresent()) {
      return new External(external.get());
    }
    if (Boolean.parseBoolean(properties.getProperty(CONTAINERS_PROPERTY, "false"))) {
      return Container.start(properties.getProperty(VERSION_PROPERTY, "18"));
    }
    return Embedded.start();
  }

  /** A server the user runs, named by {@code PUMP_TEST_JDBC_URL}. */
  static final class External extends PostgresServer {
    private final ExternalPostgres server;

    External(ExternalPostgres server) {
      this.server = server;
    }

    @Override
    String kind() {
      return "the external PostgreSQL from " + ExternalPostgres.URL_VARIABLE;
    }

    @Override
    String adminUrl() {
      return server.jdbcUrl();
    }

    @Override
    String urlFor(String database) {
      return server.urlFor(database);
    }

    @Override
    String user() {
      return server.user();
    }

    @Override
    String password() {
      return server.password();
    }
  }

  /** Embedded PostgreSQL, one per JVM, stopped when the JVM exits. */
  static final class Embedded extends PostgresServer {
    private final EmbeddedPostgresServer postgres;

    private Embedded(EmbeddedPostgresServer postgres) {
      this.postgres = postgres;
    }

    static Embedded start() {
      return new Embedded(
          EmbeddedPostgresServer.builder()
              // test data is disposable: trade durability for speed
              .disposable()
              .setting("max_connections", "300")
              .start());
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
      return postgres.jdbcUrl(database);
    }

    @Override
    String user() {
      return postgres.user();
    }

    @Override
    String password() {
      return postgres.password();
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
                + ExternalPostgres.URL_VARIABLE
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
