package dev.pump.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schemas an earlier Pump migrated with Flyway carry on under Pump's own migrator, and the history
 * Pump writes is one Flyway accepts. Flyway runs here configured as Pump configured it.
 */
@ExtendWith(PostgresExtension.class)
class FlywayCompatibilityTest {

  @Test
  void aSchemaFlywayMigratedIsTakenOverWithNothingAppliedAgain(TestDatabase db)
      throws SQLException {
    flyway(db, "by_flyway").migrate();
    List<String> history = history(db, "by_flyway");
    List<String> catalog = PumpMigrationsTest.catalog(db, "by_flyway");

    PumpMigrations.Report report = PumpMigrations.migrate(db.dataSource(), "by_flyway");

    assertThat(report.migrationsApplied()).isZero();
    assertThat(report.version()).isEqualTo(PumpMigrationsTest.LATEST_VERSION);
    assertThat(history(db, "by_flyway")).isEqualTo(history);
    assertThat(PumpMigrationsTest.catalog(db, "by_flyway")).isEqualTo(catalog);
  }

  @Test
  void aSchemaFlywayMigratedPartlyIsCarriedOnAfterFlywaysRows(TestDatabase db) throws SQLException {
    flyway(db, "half_flyway", configuration -> configuration.target("2")).migrate();

    PumpMigrations.Report report = PumpMigrations.migrate(db.dataSource(), "half_flyway");

    assertThat(report.migrationsApplied()).isEqualTo(PumpMigrationsTest.MIGRATIONS - 2);
    // rank 0 is Flyway's marker for the schema it created; Pump's rows follow Flyway's
    assertThat(history(db, "half_flyway"))
        .containsExactly(
            "0|null|<< Flyway Schema Creation >>|SCHEMA|\"half_flyway\"|null|t",
            "1|1|pump schema|SQL|V1__pump_schema.sql|1973536387|t",
            "2|2|audit views|SQL|V2__audit_views.sql|-420290336|t",
            "3|3|queue lease column|SQL|V3__queue_lease_column.sql|-1245815492|t",
            "4|4|redelivery|SQL|V4__redelivery.sql|95242870|t",
            "5|5|partial causation index|SQL|V5__partial_causation_index.sql|1264399330|t",
            "6|6|discarded message|SQL|V6__discarded_message.sql|357757103|t");
    assertThat(PumpMigrationsTest.catalog(db, "half_flyway"))
        .isEqualTo(catalogOfAFreshPumpSchema(db, "half_pump"));
  }

  @Test
  void aSchemaPumpMigratedPassesFlywaysValidation(TestDatabase db) {
    PumpMigrations.migrate(db.dataSource(), "by_pump");
    Flyway flyway = flyway(db, "by_pump");

    flyway.validate();
    assertThat(flyway.info().all())
        .extracting(MigrationInfo::getState)
        .containsOnly(MigrationState.SUCCESS)
        .hasSize(PumpMigrationsTest.MIGRATIONS);
    assertThat(flyway.migrate().migrationsExecuted).isZero();
  }

  @Test
  void theHistoryTableIsTheOneFlywayCreates(TestDatabase db) throws SQLException {
    flyway(db, "table_flyway").migrate();
    PumpMigrations.migrate(db.dataSource(), "table_pump");

    assertThat(historyCatalog(db, "table_pump")).isEqualTo(historyCatalog(db, "table_flyway"));
  }

  @Test
  void flywayHoldsTheLockPumpTakesSoThatTheyNeverMigrateAtOnce(TestDatabase db) {
    long key = new HistoryTable(SchemaName.of("locked")).lockKey();
    List<Boolean> heldBeforeEachMigration = new ArrayList<>();
    Callback lockProbe =
        new BaseCallback() {
          @Override
          public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_EACH_MIGRATE;
          }

          @Override
          public void handle(Event event, Context context) {
            heldBeforeEachMigration.add(advisoryLockHeld(db, key));
          }
        };

    flyway(db, "locked", configuration -> configuration.callbacks(lockProbe)).migrate();

    assertThat(heldBeforeEachMigration).hasSize(PumpMigrationsTest.MIGRATIONS).containsOnly(true);
    assertThat(advisoryLockHeld(db, key)).isFalse();
  }

  /** Whether some session holds the advisory lock {@code key}. */
  static boolean advisoryLockHeld(TestDatabase db, long key) {
    try (Connection connection = db.connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    + " AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = ?")) {
      query.setLong(1, key);
      try (ResultSet result = query.executeQuery()) {
        result.next();
        return result.getInt(1) == 1;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> catalogOfAFreshPumpSchema(TestDatabase db, String schema)
      throws SQLException {
    PumpMigrations.migrate(db.dataSource(), schema);
    return PumpMigrationsTest.catalog(db, schema);
  }

  private static Flyway flyway(TestDatabase db, String schema) {
    return flyway(db, schema, configuration -> configuration);
  }

  /** Flyway configured as Pump configured it before it applied its scripts itself. */
  private static Flyway flyway(
      TestDatabase db, String schema, UnaryOperator<FluentConfiguration> adjust) {
    return adjust
        .apply(
            Flyway.configure(FlywayCompatibilityTest.class.getClassLoader())
                .dataSource(db.dataSource())
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .table(PumpMigrations.HISTORY_TABLE)
                .locations("classpath:" + Script.LOCATION)
                .placeholders(Map.of("schema", schema))
                .cleanDisabled(true))
        .load();
  }

  private static List<String> history(TestDatabase db, String schema) throws SQLException {
    return PumpMigrationsTest.strings(
        db,
        "SELECT concat_ws('|', installed_rank, coalesce(version, 'null'), description, type,"
            + " script, coalesce(checksum::text, 'null'), success) FROM \""
            + schema
            + "\".pump_schema_history ORDER BY installed_rank");
  }

  /** The history table's columns, constraints and indexes, without the schema's name. */
  private static List<String> historyCatalog(TestDatabase db, String schema) throws SQLException {
    List<String> columns =
        PumpMigrationsTest.strings(
            db,
            "SELECT column_name || ':' || data_type || ':' || coalesce(character_maximum_length, 0)"
                + " || ':' || is_nullable || ':' || coalesce(column_default, '')"
                + " FROM information_schema.columns WHERE table_schema = ?"
                + " AND table_name = 'pump_schema_history' ORDER BY ordinal_position",
            schema);
    List<String> constraints =
        PumpMigrationsTest.strings(
            db,
            "SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid = to_regclass(? || '.pump_schema_history') ORDER BY 1",
            '"' + schema + '"');
    List<String> indexes =
        PumpMigrationsTest.strings(
            db,
            "SELECT replace(indexdef, ?, 'S') FROM pg_indexes WHERE schemaname = ?"
                + " AND tablename = 'pump_schema_history' ORDER BY indexname",
            schema + ".",
            schema);
    assertThat(columns).hasSize(10);
    assertThat(indexes).hasSize(2);
    return List.of(columns.toString(), constraints.toString(), indexes.toString());
  }
}
