package dev.pump.examples.shop;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.testkit.EmbeddedPostgresServer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The shop's PostgreSQL: embedded (the testkit's, started here and deleted on close) or the server
 * the settings name, with one connection pool shared by the business code and Pump, and the shop's
 * own tables migrated by its own Flyway history beside Pump's schema.
 */
final class ShopDatabase implements AutoCloseable {
  /** The schema of the business tables. */
  static final String SHOP_SCHEMA = "shop";

  /** The schema of Pump's tables for the shop. */
  static final String PUMP_SCHEMA = "shop_pump";

  // Each in-flight message on the PostgreSQL transport holds a connection while it is handled:
  // the three endpoints' concurrency (12), the dispatcher, the web sessions and the audit queries
  // fit with room to spare. LISTEN connections are opened outside the pool.
  private static final int POOL_SIZE = 24;

  private final EmbeddedPostgresServer embedded;
  private final HikariDataSource pool;
  private final String description;

  private ShopDatabase(EmbeddedPostgresServer embedded, HikariDataSource pool, String description) {
    this.embedded = embedded;
    this.pool = pool;
    this.description = description;
  }

  /** Starts embedded PostgreSQL, or connects to the configured server. */
  static ShopDatabase open(ShopSettings settings) {
    if (!settings.embeddedDatabase()) {
      HikariDataSource pool =
          PumpDataSources.pooled(
              settings.jdbcUrl(), settings.user(), settings.password(), POOL_SIZE);
      return new ShopDatabase(null, pool, "PostgreSQL at " + settings.jdbcUrl());
    }
    EmbeddedPostgresServer postgres =
        EmbeddedPostgresServer.builder()
            // the example's data is thrown away at the end: trade durability for speed
            .disposable()
            .start();
    HikariDataSource pool =
        PumpDataSources.pooled(
            postgres.jdbcUrl("postgres"), postgres.user(), postgres.password(), POOL_SIZE);
    return new ShopDatabase(postgres, pool, "embedded PostgreSQL");
  }

  /** The pool: business writes and Pump's rows share its connections and transactions. */
  DataSource dataSource() {
    return pool;
  }

  /** Embedded, or where the server is, with its version. */
  String description() {
    String version =
        Jdbi.create(pool)
            .withHandle(h -> h.createQuery("SHOW server_version").mapTo(String.class).one());
    return description + " " + version.split(" ")[0];
  }

  /**
   * Drops what an earlier run left (only the example's own two schemas), then migrates the shop's
   * tables with its own Flyway history, {@code shop.shop_schema_history}. Pump's schema is migrated
   * by {@code JdbcStorage} when it is built.
   */
  void prepare() {
    Jdbi.create(pool)
        .useHandle(h -> {
          h.execute("DROP SCHEMA IF EXISTS " + SHOP_SCHEMA + " CASCADE");
          h.execute("DROP SCHEMA IF EXISTS " + PUMP_SCHEMA + " CASCADE");
        });
    Flyway.configure(ShopDatabase.class.getClassLoader())
        .dataSource(pool)
        .schemas(SHOP_SCHEMA)
        .createSchemas(true)
        .table("shop_schema_history")
        .locations("classpath:db/shop")
        .load()
        .migrate();
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
