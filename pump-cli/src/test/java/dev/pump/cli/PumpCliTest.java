package dev.pump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.migrations.PumpMigrations;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The command line itself: help, usage errors, where the connection comes from, and its errors. */
@ExtendWith(PostgresExtension.class)
class PumpCliTest {
  static TestDatabase db;

  @BeforeAll
  static void migrate(TestDatabase database) {
    db = database;
    PumpMigrations.migrate(db.dataSource(), "pump");
  }

  @Test
  void helpListsEveryCommandTheOptionsTheVariablesAndTheExitCodes() {
    Cli.Result help = Cli.bare().runExactly("--help");

    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.out())
        .contains(
            "failed list",
            "failed show",
            "failed retry",
            "failed discard",
            "parked list",
            "parked retry",
            "parked discard",
            "discarded",
            "backlog",
            "trace",
            "migrate",
            "purge",
            "--jdbc-url",
            "--user",
            "--password-stdin",
            "--schema",
            "--json",
            "PUMP_JDBC_URL",
            "Exit codes:");
    assertThat(help.out()).containsPattern("(?m)^\\s+3\\s+cannot connect");
  }

  @Test
  void aCommandsHelpShowsItsOwnOptions() {
    Cli.Result help = Cli.bare().runExactly("failed", "discard", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--all", "--yes", "--by", "--queue", "MESSAGE-ID");
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageErrorWithASuggestion() {
    Cli.Result command = Cli.bare().runExactly("faild", "list");
    Cli.Result option = Cli.bare().runExactly("backlog", "--jsn");

    assertThat(command.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(command.err()).contains("faild", "failed", "See 'pump --help'");
    assertThat(option.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(option.err()).contains("--jsn", "See 'pump backlog --help'");
  }

  @Test
  void noCommandIsAUsageErrorThatNamesTheCommands() {
    Cli.Result none = Cli.bare().runExactly();
    Cli.Result failed = Cli.bare().runExactly("failed");

    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).contains("pump needs a command: failed, parked, discarded, backlog");
    assertThat(failed.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(failed.err()).contains("pump failed needs a command: list, show, retry, discard");
  }

  @Test
  void withoutAUrlItSaysHowToGiveOne() {
    Cli.Result result = Cli.bare().runExactly("backlog");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--jdbc-url", "PUMP_JDBC_URL");
  }

  @Test
  void theConnectionComesFromTheVariablesWhenNoOptionIsGiven() {
    Cli.Result result =
        Cli.bare()
            .env("PUMP_JDBC_URL", db.jdbcUrl())
            .env("PUMP_JDBC_USER", db.user())
            .env("PUMP_JDBC_PASSWORD", db.password())
            .runExactly("backlog");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Outbox: nothing waits");
  }

  @Test
  void optionsMayComeBeforeTheCommandAndOverrideTheVariables() {
    Cli.Result result =
        Cli.bare()
            .env("PUMP_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/nowhere")
            .runExactly(
                "--jdbc-url",
                db.jdbcUrl(),
                "--user",
                db.user(),
                "--password",
                db.password(),
                "backlog",
                "--json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.json().get("outbox").isArray()).isTrue();
  }

  @Test
  void thePasswordMayComeFromStandardInput() {
    Cli.Result result =
        Cli.bare()
            .stdin(db.password() + "\n")
            .runExactly(
                "backlog", "--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password-stdin");

    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  @Test
  void anUnreachableServerIsNamedWithoutThePassword() {
    Cli.Result result =
        Cli.bare()
            .runExactly(
                "backlog",
                "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/shop?password=hunter2",
                "--password",
                "s3cret");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(result.err())
        .contains("cannot connect to jdbc:postgresql://127.0.0.1:1/shop?password=***")
        .contains("check the host and port")
        .doesNotContain("hunter2", "s3cret");
  }

  @Test
  void aUrlThatIsNotPostgresIsRefused() {
    Cli.Result result =
        Cli.bare().runExactly("backlog", "--jdbc-url", "jdbc:mysql://localhost/shop");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(result.err()).contains("not a PostgreSQL JDBC URL: jdbc:mysql://localhost/shop");
  }

  @Test
  void aWrongPasswordOrDatabaseIsAConnectionError() {
    Cli.Result database =
        Cli.bare()
            .runExactly(
                "backlog",
                "--jdbc-url",
                db.jdbcUrl().replace("/" + db.name(), "/no_such_database"),
                "--user",
                db.user(),
                "--password",
                db.password());

    assertThat(database.exitCode()).as(database.toString()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(database.err()).contains("no_such_database", "does not exist");
  }

  @Test
  void aSchemaWithoutPumpsTablesSaysToMigrate() {
    Cli.Result result = Cli.on(db).run("backlog", "--schema", "nothing_here");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(result.err())
        .contains("schema nothing_here has no Pump tables")
        .contains("run `pump migrate --schema nothing_here`");
  }

  @Test
  void anOlderSchemaSaysToMigrate() throws Exception {
    PumpMigrations.migrate(db.dataSource(), "older");
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE older.discarded_message");
      statement.execute("DELETE FROM older.pump_schema_history WHERE version::int >= 6");
    }

    Cli.Result result = Cli.on(db).run("failed", "list", "--schema", "older");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(result.err())
        .contains("schema older is at Pump schema version 5 (missing discarded_message)")
        .contains("run `pump migrate --schema older`");
  }

  @Test
  void aHostileSchemaNameIsRefusedWithTheRule() {
    Cli.Result result = Cli.on(db).run("backlog", "--schema", "pump; DROP TABLE x");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--schema").contains("[a-z_][a-z0-9_]");
  }

  @Test
  void migrateCreatesTheSchemaAndThenFindsItUpToDate() {
    Cli.Result first = Cli.on(db).run("migrate", "--schema", "fresh");
    Cli.Result again = Cli.on(db).run("migrate", "--schema", "fresh", "--json");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out())
        .containsPattern("Schema fresh: applied \\d+ migrations, now at version \\d+\\.");
    assertThat(again.exitCode()).isZero();
    assertThat(again.json().get("migrationsApplied").asInt()).isZero();
    assertThat(again.json().get("schema").asString()).isEqualTo("fresh");
    assertThat(Cli.on(db).run("backlog", "--schema", "fresh").exitCode()).isZero();
  }

  @Test
  void theVersionComesFromTheJar() {
    Cli.Result version = Cli.bare().runExactly("--version");

    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("pump ");
  }
}
