/**
 * Pump migrations: the versioned SQL of the pump schema and {@code PumpMigrations}, which applies
 * it and records it in a history table Flyway's tools can read.
 */
module dev.pump.migrations {
  requires transitive dev.pump.core;
  requires transitive java.sql;

  exports dev.pump.migrations;
}
