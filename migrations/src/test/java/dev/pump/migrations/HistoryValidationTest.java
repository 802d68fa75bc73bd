package dev.pump.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpException;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A history Pump cannot vouch for is refused before anything is applied. */
@ExtendWith(PostgresExtension.class)
class HistoryValidationTest {

  @Test
  void aScriptThatDiffersFromTheOneAppliedIsRefused(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "changed");
    execute(db, "UPDATE changed.pump_schema_history SET checksum = 42 WHERE version = '2'");

    assertThatThrownBy(() -> PumpMigrations.migrate(db.dataSource(), "changed"))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("the pump schema \"changed\" cannot be migrated")
        .hasMessageContaining("migration 2 (V2__audit_views.sql) was applied with checksum 42")
        .hasMessageContaining("ships it with checksum -420290336")
        .hasMessageContaining("run the Pump version that applied it");
  }

  @Test
  void aMigrationRecordedAsFailedIsRefused(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "failed");
    execute(db, "UPDATE failed.pump_schema_history SET success = false WHERE version = '4'");

    assertThatThrownBy(() -> PumpMigrations.migrate(db.dataSource(), "failed"))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("the pump schema \"failed\" cannot be migrated")
        .hasMessageContaining("migration 4 (V4__redelivery.sql) is recorded as failed")
        .hasMessageContaining("delete its row");
  }

  @Test
  void aVersionANewerPumpAppliedIsRefused(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "newer");
    execute(
        db,
        "INSERT INTO newer.pump_schema_history (installed_rank, version, description, type,"
            + " script, checksum, installed_by, execution_time, success)"
            + " VALUES (7, '7', 'future', 'SQL', 'V7__future.sql', 7, 'pump', 1, true)");

    assertThatThrownBy(() -> PumpMigrations.migrate(db.dataSource(), "newer"))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("the pump schema \"newer\" cannot be migrated")
        .hasMessageContaining("migration 7 (SQL V7__future.sql), which this Pump does not ship")
        .hasMessageContaining("a newer Pump migrated it");
  }

  @Test
  void aMissingMigrationBeforeAnAppliedOneIsRefused(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "gap");
    execute(db, "DELETE FROM gap.pump_schema_history WHERE version = '3'");

    assertThatThrownBy(() -> PumpMigrations.migrate(db.dataSource(), "gap"))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("migration 3 (V3__queue_lease_column.sql) is not applied though")
        .hasMessageContaining("later 6");
    assertThat(PumpMigrationsTest.strings(db, "SELECT count(*)::text FROM gap.pump_schema_history"))
        .containsExactly("5");
  }

  @Test
  void theLockIsGivenBackAfterAMigrationAndAfterARefusal(TestDatabase db) throws SQLException {
    long key = new HistoryTable(SchemaName.of("unlocked")).lockKey();

    PumpMigrations.migrate(db.dataSource(), "unlocked");
    assertThat(FlywayCompatibilityTest.advisoryLockHeld(db, key)).isFalse();

    execute(db, "UPDATE unlocked.pump_schema_history SET checksum = 1 WHERE version = '1'");
    assertThatThrownBy(() -> PumpMigrations.migrate(db.dataSource(), "unlocked"))
        .isInstanceOf(PumpException.class);
    assertThat(FlywayCompatibilityTest.advisoryLockHeld(db, key)).isFalse();
  }

  @Test
  void aMigratorWaitsForAnotherHoldingTheLockOnlySoLongAndSaysWhoToLookFor(TestDatabase db)
      throws SQLException {
    long key = new HistoryTable(SchemaName.of("held")).lockKey();
    try (Connection other = db.connect();
        PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
      lock.setLong(1, key);
      lock.executeQuery().close();
      Migrator waiting =
          new Migrator(
              db.dataSource(), SchemaName.of("held"), Script.all(), Duration.ofMillis(300));

      assertThatThrownBy(waiting::migrate)
          .isInstanceOf(PumpException.class)
          .hasMessageContaining(
              "another process has been migrating the pump schema \"held\" for longer than"
                  + " PT0.3S")
          .hasMessageContaining("pg_locks");
    }
    // once the other process is gone, the same migrator goes ahead
    assertThat(
            new Migrator(
                    db.dataSource(), SchemaName.of("held"), Script.all(), Duration.ofMillis(300))
                .migrate()
                .migrationsApplied())
        .isEqualTo(PumpMigrationsTest.MIGRATIONS);
  }

  @Test
  void aSchemaThatHoldsOtherTablesButNoHistoryIsRefused(TestDatabase db) throws SQLException {
    execute(db, "CREATE SCHEMA occupied", "CREATE TABLE occupied.orders (id int)");

    assertThatThrownBy(() -> PumpMigrations.migrate(db.dataSource(), "occupied"))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("\"occupied\" already holds tables or functions")
        .hasMessageContaining("configure another schema");
    assertThat(PumpMigrationsTest.tables(db, "occupied")).containsExactly("orders");
  }

  @Test
  void anEmptySchemaThatExistsIsMigrated(TestDatabase db) throws SQLException {
    execute(db, "CREATE SCHEMA given");

    assertThat(PumpMigrations.migrate(db.dataSource(), "given").migrationsApplied())
        .isEqualTo(PumpMigrationsTest.MIGRATIONS);
  }

  @Test
  void aScriptThatFailsIsRolledBackWithItsHistoryRowAndTheEarlierOnesStay(TestDatabase db)
      throws SQLException {
    List<Script> scripts =
        List.of(
            Script.of("V1__table.sql", "CREATE TABLE \"${schema}\".kept (id int);"),
            Script.of(
                "V2__broken.sql",
                "CREATE TABLE \"${schema}\".undone (id int);\nSELECT no_such_column FROM"
                    + " \"${schema}\".kept;"));
    Migrator migrator = new Migrator(db.dataSource(), SchemaName.of("broken"), scripts);

    assertThatThrownBy(migrator::migrate)
        .isInstanceOf(PumpException.class)
        .hasMessageContaining(
            "migrating the pump schema \"broken\" to version 2 (V2__broken.sql) failed and was"
                + " rolled back (SQL state 42703)")
        .hasMessageContaining("no_such_column");
    assertThat(PumpMigrationsTest.tables(db, "broken"))
        .containsExactly("kept", "pump_schema_history");
    assertThat(
            PumpMigrationsTest.strings(
                db, "SELECT version || ':' || success FROM broken.pump_schema_history"))
        .containsExactly("1:true");
  }

  private static void execute(TestDatabase db, String... statements) throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
