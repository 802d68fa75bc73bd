/**
 * Pump migrations: the Flyway SQL of the pump schema and {@code PumpMigrations}, which applies it.
 */
module dev.pump.migrations {
  requires transitive dev.pump.core;
  requires transitive java.sql;
  requires flyway.core;

  exports dev.pump.migrations;
}
