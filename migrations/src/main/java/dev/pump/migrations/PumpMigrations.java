package dev.pump.migrations;

import dev.pump.core.PumpException;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies Pump's schema to a PostgreSQL database.
 *
 * <p>Idempotent: migrating an up-to-date schema changes nothing. Safe to call from several
 * instances at once (Flyway serialises them with a PostgreSQL advisory lock). Flyway's history
 * table, {@value #HISTORY_TABLE}, lives inside the Pump schema, so it never collides with the
 * application's own Flyway history in {@code public}.
 *
 * <pre>{@code
 * MigrationReport report = PumpMigrations.migrate(dataSource, "pump");
 * log.info("pump schema {} at version {}", report.schema(), report.version());
 * }</pre>
 *
 * <p>Thread-safe: it holds no state.
 */
public final class PumpMigrations {
  /** Name of Flyway's history table inside the Pump schema: {@value}. */
  public static final String HISTORY_TABLE = "pump_schema_history";

  /** Where the SQL migrations live on the class path. */
  static final String LOCATION = "classpath:META-INF/pump/migrations/postgresql";

  private PumpMigrations() {}

  /** Migrates the default schema, {@value SchemaName#DEFAULT_SCHEMA}. */
  public static MigrationReport migrate(DataSource dataSource) {
    return migrate(dataSource, SchemaName.DEFAULT);
  }

  /**
   * Migrates {@code schema}, creating it if needed.
   *
   * @throws dev.pump.core.PumpConfigurationException if {@code schema} is not a plain lower-case
   *     identifier; nothing is touched in the database then
   * @throws PumpException if the migration fails; the message names the schema
   */
  public static MigrationReport migrate(DataSource dataSource, String schema) {
    return migrate(dataSource, SchemaName.of(schema));
  }

  /** Migrates an already validated {@code schema}, creating it if needed. */
  public static MigrationReport migrate(DataSource dataSource, SchemaName schema) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(schema, "schema");
    Flyway flyway = flyway(dataSource, schema);
    try {
      MigrateResult result = flyway.migrate();
      MigrationInfo current = flyway.info().current();
      String version = current == null ? null : current.getVersion().getVersion();
      return new MigrationReport(schema, version, result.migrationsExecuted);
    } catch (FlywayException e) {
      throw new PumpException("migrating the pump schema " + schema.quoted() + " failed", e);
    }
  }

  private static Flyway flyway(DataSource dataSource, SchemaName schema) {
    return Flyway.configure(PumpMigrations.class.getClassLoader())
        .dataSource(dataSource)
        .schemas(schema.value())
        .defaultSchema(schema.value())
        .createSchemas(true)
        .table(HISTORY_TABLE)
        .locations(LOCATION)
        .placeholders(Map.of("schema", schema.value()))
        .cleanDisabled(true)
        .load();
  }
}
