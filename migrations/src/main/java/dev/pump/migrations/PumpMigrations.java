package dev.pump.migrations;

import dev.pump.core.PumpException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Applies Pump's schema to a PostgreSQL database.
 *
 * <p>Pump applies its own versioned SQL scripts, each in a transaction of its own, and records them
 * in {@value #HISTORY_TABLE} inside the Pump schema, in Flyway's layout and with Flyway's
 * checksums: a schema an earlier Pump migrated with Flyway carries on, Flyway's tools can read and
 * validate the history, and an application's own Flyway, of whatever version, is left alone.
 *
 * <p>Idempotent: migrating an up-to-date schema changes nothing. Safe to call from several
 * instances at once: a PostgreSQL advisory lock on the schema's history table (the one Flyway takes
 * for it) lets one instance migrate while the others wait. A script that differs from the one
 * applied, a migration recorded as failed, or a version newer than this Pump knows is refused
 * before anything is applied.
 *
 * <pre>{@code
 * PumpMigrations.Report report = PumpMigrations.migrate(dataSource, "pump");
 * log.info("pump schema {} at version {}", report.schema(), report.version());
 * }</pre>
 *
 * <p>Thread-safe: it holds no state.
 */
public final class PumpMigrations {
  /** Name of the migration history table inside the Pump schema, in Flyway's layout: {@value}. */
  public static final String HISTORY_TABLE = "pump_schema_history";

  private PumpMigrations() {}

  /** Migrates the default schema, {@value SchemaName#DEFAULT_SCHEMA}. */
  public static PumpMigrations.Report migrate(DataSource dataSource) {
    return migrate(dataSource, SchemaName.DEFAULT);
  }

  /**
   * Migrates {@code schema}, creating it if needed.
   *
   * @throws dev.pump.core.PumpConfigurationException if {@code schema} is not a plain lower-case
   *     identifier; nothing is touched in the database then
   * @throws PumpException if the migration fails or the schema's history is refused; the message
   *     names the schema, and the version when one is at fault
   */
  public static PumpMigrations.Report migrate(DataSource dataSource, String schema) {
    return migrate(dataSource, SchemaName.of(schema));
  }

  /** Migrates an already validated {@code schema}, creating it if needed. */
  public static PumpMigrations.Report migrate(DataSource dataSource, SchemaName schema) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(schema, "schema");
    return new Migrator(dataSource, schema, Script.all()).migrate();
  }

  /**
   * What {@link PumpMigrations#migrate} did.
   *
   * @param schema the schema migrated
   * @param version the schema version now in place, e.g. {@code "1"}
   * @param migrationsApplied how many migrations this call applied; 0 when the schema was already
   *     up to date
   */
  public record Report(SchemaName schema, String version, int migrationsApplied) {}
}
