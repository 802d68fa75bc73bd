package dev.pump.benchmarks;

import dev.pump.benchmarks.confirms.ConfirmBatching;
import dev.pump.benchmarks.dispatcher.DispatcherProbes;
import dev.pump.benchmarks.drain.Drain;
import dev.pump.benchmarks.endtoend.EndToEnd;
import dev.pump.benchmarks.memory.Memory;
import dev.pump.benchmarks.soak.Soak;
import dev.pump.benchmarks.writepath.WritePath;
import dev.pump.testkit.ExternalPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of the benchmarks.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--out DIR] [--quick]
 *     [--scenario write-path|drain|end-to-end|soak|memory|dispatcher|confirms ...] [--jdbc-url URL --jdbc-user U --jdbc-password P]
 *     [--rabbitmq URI|none] [--kafka HOST:PORT|none] [--pgbench PATH]
 * </pre>
 *
 * <p>Without {@code --scenario} the five side-by-side scenarios run; {@code dispatcher} (batch
 * window and circuit breaker) and {@code confirms} (RabbitMQ publisher confirms per batch) run only
 * when named. {@code --out} defaults to {@code benchmarks/results}, and to {@code
 * benchmarks/target/quick-results} for a quick run. Without {@code --jdbc-url} the database is
 * {@code PUMP_TEST_JDBC_URL} (with {@code PUMP_TEST_JDBC_USER} and {@code
 * PUMP_TEST_JDBC_PASSWORD}), as for the tests, else embedded PostgreSQL. RabbitMQ is {@code
 * --rabbitmq}, else {@code PUMP_TEST_RABBITMQ_URI}, else {@code amqp://guest:guest@127.0.0.1:5672}
 * if it answers; {@code --rabbitmq none} leaves it out. Kafka is {@code --kafka}, else {@code
 * PUMP_KAFKA_BOOTSTRAP}, else left out; the drain relays to it too. The soak runs with Pump's
 * metrics and traces on, as production would, unless {@code --soak-without-telemetry}.
 */
public record Options(
    Path out,
    boolean quick,
    List<String> scenarios,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    String rabbitUri,
    String kafkaBootstrap,
    String pgbench,
    boolean soakObserved) {

  static final List<String> ALL_SCENARIOS =
      List.of(WritePath.NAME, Drain.NAME, EndToEnd.NAME, Soak.NAME, Memory.NAME);

  /** Scenarios that run only when named: measurements of one choice, not side-by-side ratios. */
  static final List<String> OPT_IN_SCENARIOS = List.of(DispatcherProbes.NAME, ConfirmBatching.NAME);

  static final String DEFAULT_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672";

  static Options parse(String[] args, Map<String, String> env) {
    Path out = null;
    boolean quick = false;
    List<String> scenarios = new ArrayList<>();
    // the tests' variables; --jdbc-url with no --jdbc-user still takes the user from them
    String url = env.get(ExternalPostgres.URL_VARIABLE);
    String user = env.getOrDefault(ExternalPostgres.USER_VARIABLE, "postgres");
    String password = env.getOrDefault(ExternalPostgres.PASSWORD_VARIABLE, "");
    String rabbit = env.get("PUMP_TEST_RABBITMQ_URI");
    String kafka = env.get("PUMP_KAFKA_BOOTSTRAP");
    String pgbench = env.getOrDefault("PUMP_PGBENCH", "pgbench");
    boolean soakObserved = true;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(value(args, ++i, arg));
        case "--scenario" -> {
          // takes every following word up to the next option
          while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            scenarios.add(args[++i]);
          }
        }
        case "--jdbc-url" -> url = value(args, ++i, arg);
        case "--jdbc-user" -> user = value(args, ++i, arg);
        case "--jdbc-password" -> password = value(args, ++i, arg);
        case "--rabbitmq" -> rabbit = value(args, ++i, arg);
        case "--kafka" -> kafka = value(args, ++i, arg);
        case "--pgbench" -> pgbench = value(args, ++i, arg);
        case "--soak-without-telemetry" -> soakObserved = false;
        case "--help", "-h" -> throw new IllegalArgumentException(usage());
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + usage());
      }
    }
    if (scenarios.isEmpty()) {
      scenarios.addAll(ALL_SCENARIOS);
    }
    for (String scenario : scenarios) {
      if (!ALL_SCENARIOS.contains(scenario) && !OPT_IN_SCENARIOS.contains(scenario)) {
        throw new IllegalArgumentException(
            "unknown scenario "
                + scenario
                + "; known: "
                + String.join(", ", ALL_SCENARIOS)
                + ", and when named: "
                + String.join(", ", OPT_IN_SCENARIOS));
      }
    }
    if (out == null) {
      // a quick run must not overwrite the committed results of a full one
      out =
          quick
              ? Path.of("benchmarks", "target", "quick-results")
              : Path.of("benchmarks", "results");
    }
    if (url != null && url.isBlank()) {
      url = null;
    }
    if (kafka != null && (kafka.isBlank() || kafka.equals("none"))) {
      kafka = null;
    }
    return new Options(
        out,
        quick,
        List.copyOf(scenarios),
        url,
        user,
        password,
        rabbit,
        kafka,
        pgbench,
        soakObserved);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + usage());
    }
    return args[i];
  }

  static String usage() {
    return "usage: java -jar benchmarks.jar [--out DIR] [--quick] [--scenario "
        + String.join("|", ALL_SCENARIOS)
        + "|"
        + String.join("|", OPT_IN_SCENARIOS)
        + " ...] [--jdbc-url URL --jdbc-user U --jdbc-password P] [--rabbitmq URI|none]"
        + " [--kafka HOST:PORT|none]"
        + " [--pgbench PATH] [--soak-without-telemetry]";
  }
}
