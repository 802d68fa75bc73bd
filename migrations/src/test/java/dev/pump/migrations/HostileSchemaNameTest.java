package dev.pump.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpConfigurationException;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(PostgresExtension.class)
class HostileSchemaNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pump\"; DROP SCHEMA public CASCADE; --",
        "pump\"",
        "pump;",
        "pump -- comment",
        "/* x */pump",
        "with space",
        "Pump",
        "PUMP",
        "",
        " ",
        "1pump",
        "pump-schema",
        "pump.outbox",
        "pаmp", // Cyrillic a
        "pump\u0000",
        "pump\n",
        "pg_pump",
        "pg_catalog",
        "information_schema",
        "a234567890123456789012345678901234567890123456789012345678901234"
      })
  void isRefusedBeforeAnythingIsCreated(String hostile, TestDatabase db) throws SQLException {
    List<String> schemasBefore = schemas(db);

    assertThatThrownBy(() -> PumpMigrations.migrate(db.dataSource(), hostile))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageStartingWith("schema must");

    assertThat(schemas(db)).isEqualTo(schemasBefore);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pump\"; DROP SCHEMA public CASCADE; --", "Pump", "with space"})
  void theErrorNamesTheBadValue(String hostile) {
    assertThatThrownBy(() -> SchemaName.of(hostile)).hasMessageContaining("'" + hostile + "'");
  }

  @Test
  void controlCharactersInTheErrorAreEscapedSoTheMessageCannotBeForged() {
    assertThatThrownBy(() -> SchemaName.of("pump\nERROR fake"))
        .hasMessageContaining("pump\\u000aERROR fake")
        .hasMessageNotContaining("\n");
  }

  @Test
  void nullIsRefusedWithTheSettingNamed() {
    assertThatThrownBy(() -> SchemaName.of(null))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessage("schema must not be null");
  }

  @Test
  void theLongestPlainNameIsAccepted() {
    String longest = "a".repeat(63);
    assertThat(SchemaName.of(longest).quoted()).isEqualTo('"' + longest + '"');
  }

  private static List<String> schemas(TestDatabase db) throws SQLException {
    return PumpMigrationsTest.strings(db, "SELECT nspname FROM pg_namespace ORDER BY 1");
  }
}
