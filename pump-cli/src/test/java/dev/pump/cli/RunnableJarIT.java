package dev.pump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.migrations.PumpMigrations;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged jar and the launcher script, run as processes the way a user runs them. Runs in
 * {@code ./mvnw verify} (after package), not in {@code ./mvnw test}.
 */
@ExtendWith(PostgresExtension.class)
class RunnableJarIT {
  private static final Path JAR = Path.of(System.getProperty("pump.cli.jar", "missing.jar"));
  private static final Path SCRIPT = Path.of(System.getProperty("pump.cli.script", "missing"));
  private static final String JAVA_HOME = System.getProperty("java.home");

  record Run(int exitCode, String out, String err) {}

  @Test
  void theJarPrintsItsHelpAndRunsACommand(TestDatabase db) throws Exception {
    PumpMigrations.migrate(db.dataSource(), "pump");
    String java = Path.of(JAVA_HOME, "bin", "java").toString();

    Run help = run(List.of(java, "-jar", JAR.toString(), "--help"), Map.of());
    Run backlog =
        run(
            List.of(java, "-jar", JAR.toString(), "backlog", "--json"),
            Map.of(
                "PUMP_JDBC_URL", db.jdbcUrl(),
                "PUMP_JDBC_USER", db.user(),
                "PUMP_JDBC_PASSWORD", db.password()));

    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out()).contains("Usage: pump", "failed retry", "Exit codes:");
    assertThat(backlog.exitCode()).as(backlog.err()).isZero();
    assertThat(backlog.out()).contains("\"outbox\"", "\"queues\"");
    assertThat(backlog.err()).isEmpty();
  }

  @Test
  void theScriptFindsJavaAndTheJarNextToIt(TestDatabase db) throws Exception {
    Run version =
        run(List.of("sh", SCRIPT.toString(), "--version"), Map.of("JAVA_HOME", JAVA_HOME));
    Run refused =
        run(
            List.of(
                "sh",
                SCRIPT.toString(),
                "backlog",
                "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/x"),
            Map.of("JAVA_HOME", JAVA_HOME));
    Run noJar =
        run(
            List.of("sh", SCRIPT.toString(), "--help"),
            Map.of("JAVA_HOME", JAVA_HOME, "PUMP_CLI_JAR", "/nowhere/pump-cli.jar"));

    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out()).startsWith("pump ").doesNotContain("development");
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(refused.err()).contains("cannot connect to jdbc:postgresql://127.0.0.1:1/x");
    assertThat(noJar.exitCode()).isEqualTo(127);
    assertThat(noJar.err()).contains("no pump-cli jar /nowhere/pump-cli.jar");
  }

  private static Run run(List<String> command, Map<String, String> environment)
      throws IOException, InterruptedException {
    assertThat(JAR).as("the packaged jar (run ./mvnw verify)").exists();
    Path out = Files.createTempFile("pump-cli-out", ".txt");
    Path err = Files.createTempFile("pump-cli-err", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(new ArrayList<>(command))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().remove("PUMP_JDBC_URL");
      builder.environment().remove("PUMP_JDBC_USER");
      builder.environment().remove("PUMP_JDBC_PASSWORD");
      builder.environment().putAll(environment);
      Process process = builder.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished within a minute").isTrue();
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
