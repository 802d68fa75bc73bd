package dev.pump.migrations;

/**
 * What {@link PumpMigrations#migrate} did.
 *
 * @param schema the schema migrated
 * @param version the schema version now in place, e.g. {@code "1"}
 * @param migrationsApplied how many migrations this call applied; 0 when the schema was already up
 *     to date
 */
public record MigrationReport(SchemaName schema, String version, int migrationsApplied) {}
