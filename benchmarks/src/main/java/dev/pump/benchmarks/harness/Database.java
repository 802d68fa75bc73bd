package dev.pump.benchmarks.harness;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.testkit.EmbeddedPostgresServer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The PostgreSQL server the benchmarks run against: an external one named by a JDBC URL, else the
 * testkit's embedded PostgreSQL with {@code pg_stat_statements} loaded and durable commits ({@code
 * fsync} and {@code synchronous_commit} on, unlike the tests).
 *
 * <p>Every pool it hands out carries an application name, so that {@link #awaitGone} can wait for
 * its server processes to exit: a backend reports its table statistics when it ends, so closing the
 * pools of a measurement before its last snapshot makes {@code pg_stat_user_tables} exact.
 */
public final class Database implements AutoCloseable {
  /** Pump's tables live here, so an external database's own {@code pump} schema is untouched. */
  public static final String PUMP_SCHEMA = "pump_bench";

  /** The business table of the write path and gruelbox's tables. */
  static final String BENCH_SCHEMA = "bench";

  public static final String GRUELBOX_SCHEMA = "bench_gruelbox";

  private final EmbeddedPostgresServer embedded;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final HikariDataSource adminPool;
  private final Jdbi admin;
  private final boolean statements;

  private Database(EmbeddedPostgresServer embedded, String jdbcUrl, String user, String password) {
    this.embedded = embedded;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.adminPool = pool("pump-bench-probe", 2, null);
    this.admin = Jdbi.create(adminPool);
    this.statements = enableStatements();
  }

  /** Starts embedded PostgreSQL, or connects to {@code jdbcUrl} when it is given. */
  public static Database open(String jdbcUrl, String user, String password) {
    if (jdbcUrl != null) {
      return new Database(null, jdbcUrl, user, password);
    }
    EmbeddedPostgresServer postgres =
        EmbeddedPostgresServer.builder()
            .setting("shared_preload_libraries", "pg_stat_statements")
            // a benchmark measures durable commits
            .setting("fsync", "on")
            .setting("synchronous_commit", "on")
            .setting("full_page_writes", "on")
            .setting("pg_stat_statements.track", "top")
            // two end-to-end instances competing on a queue hold a pool of concurrency + 6 each,
            // beside the producer's pool
            .setting("max_connections", "250")
            .setting("shared_buffers", "256MB")
            .startupWait(Duration.ofSeconds(60))
            .start();
    return new Database(postgres, postgres.jdbcUrl("postgres"), postgres.user(), "");
  }

  boolean embedded() {
    return embedded != null;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** Whether {@code pg_stat_statements} is loaded and readable. */
  public boolean hasStatements() {
    return statements;
  }

  public Jdbi admin() {
    return admin;
  }

  /** Pump's storage on {@code pool}, in {@link #PUMP_SCHEMA}, which the harness migrated. */
  public static JdbcStorage storage(DataSource pool) {
    return storageBuilder(pool).build();
  }

  /** A builder of Pump's storage on {@code pool}, set as {@link #storage} sets it. */
  public static JdbcStorage.Builder storageBuilder(DataSource pool) {
    return JdbcStorage.builder().dataSource(pool).schema(PUMP_SCHEMA).migrate(false);
  }

  /**
   * A new pool of {@code size} connections named {@code name} (its application name on the server).
   *
   * @param schema the connections' {@code search_path}, or null for the server's default
   */
  public HikariDataSource pool(String name, int size, String schema) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setPoolName(name);
    config.setConnectionTimeout(30_000);
    config.addDataSourceProperty("ApplicationName", name);
    if (schema != null) {
      config.addDataSourceProperty("currentSchema", schema);
    }
    return new HikariDataSource(config);
  }

  /** Host, port and database of the server, for pgbench. */
  URI address() {
    // jdbc:postgresql://host:port/database?params
    return URI.create(jdbcUrl.substring("jdbc:".length()));
  }

  /** Waits (at most 10 s) until no server process of application {@code name} is left. */
  public void awaitGone(String name) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      long left =
          admin.withHandle(h ->
              h.createQuery(
                      "SELECT count(*) AS bench_probe FROM pg_stat_activity"
                          + " WHERE application_name = :name AND pid <> pg_backend_pid()")
                  .bind("name", name)
                  .mapTo(Long.class)
                  .one());
      if (left == 0) {
        return;
      }
      sleep(20);
    }
  }

  /** Server settings and version, for the conditions of a result. */
  public Map<String, Object> settings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    admin.useHandle(h -> {
      settings.put("server_version", show(h, "server_version"));
      for (String name :
          new String[] {
            "synchronous_commit",
            "fsync",
            "full_page_writes",
            "wal_level",
            "shared_buffers",
            "max_connections",
            "max_wal_size",
            "checkpoint_timeout",
            "autovacuum",
            "autovacuum_naptime",
            "autovacuum_vacuum_cost_limit"
          }) {
        settings.put(name, show(h, name));
      }
    });
    settings.put("embedded", embedded());
    settings.put("pg_stat_statements", statements);
    return settings;
  }

  private static String show(org.jdbi.v3.core.Handle h, String name) {
    return h.createQuery("/* bench-probe */ SHOW " + name).mapTo(String.class).one();
  }

  private boolean enableStatements() {
    try {
      admin.useHandle(h -> {
        h.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        h.createQuery("/* bench-probe */ SELECT count(*) FROM pg_stat_statements")
            .mapTo(Long.class)
            .one();
      });
      return true;
    } catch (RuntimeException e) {
      System.err.println(
          "pg_stat_statements is not available ("
              + e.getMessage()
              + "): statements per message will be missing. Add it to shared_preload_libraries.");
      return false;
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    adminPool.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
