package dev.pump.faults;

import dev.pump.faults.broker.Broker;
import dev.pump.faults.broker.Kafka;
import dev.pump.faults.broker.PostgresQueue;
import dev.pump.faults.broker.RabbitMq;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.report.Verdict;
import dev.pump.faults.scenario.BadDestination;
import dev.pump.faults.scenario.BrokerOutage;
import dev.pump.faults.scenario.CleanupKill;
import dev.pump.faults.scenario.CrashLoop;
import dev.pump.faults.scenario.DatabaseOutage;
import dev.pump.faults.scenario.HostileConfiguration;
import dev.pump.faults.scenario.KafkaPoisonInput;
import dev.pump.faults.scenario.PoisonInput;
import dev.pump.faults.scenario.ProcessKiller;
import dev.pump.faults.sut.SutMain;
import dev.pump.kafka.KafkaBroker;
import dev.pump.testkit.TcpRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The full fault suite at full size, one command:
 *
 * <pre>
 * java -cp ... dev.pump.faults.FaultSuite [--only crash-loop,database-outage,...] [--fast true]
 *     [--results fault-suite/results]
 * </pre>
 *
 * Runs each scenario on a fresh database of one server (embedded, or {@code PUMP_TEST_JDBC_URL}),
 * prints one line per scenario, writes each to {@code results/<scenario>.txt} and all of this run's
 * to {@code results/latest.txt}, and exits with 1 if any scenario is not clean. {@code --fast true}
 * runs the sizes of the CI tests. {@code broker-outage} and {@code process-killer-rabbitmq} need
 * RabbitMQ ({@code PUMP_TEST_RABBITMQ_URI}, else {@code 127.0.0.1:5672}). {@code crash-loop-kafka},
 * {@code process-killer-kafka} and {@code poison-input-kafka} run on the Kafka broker the tests use
 * ({@link KafkaBroker}): the one at {@code PUMP_KAFKA_BOOTSTRAP}, else one started in this process
 * on first use and shared by the run; {@code broker-outage-kafka} always starts a broker of its own
 * in this process, behind the relay it cuts, because the relay must be the address the broker
 * advertises. A scenario whose broker does not answer or does not start is reported as skipped,
 * which is not clean. An unknown name in {@code --only} is refused with the list of the valid ones.
 */
public final class FaultSuite {
  private static final Broker POSTGRESQL = new PostgresQueue();

  private FaultSuite() {}

  /** Runs the suite. */
  public static void main(String[] args) throws Exception {
    var options = SutMain.options(args);
    Set<FaultScenario> only;
    try {
      only = FaultScenario.parse(options.getOrDefault("only", FaultScenario.allNames()));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path results = Path.of(options.getOrDefault("results", "fault-suite/results"));
    Path logs = results.resolve("logs");
    boolean fast = Boolean.parseBoolean(options.getOrDefault("fast", "false"));
    List<String> lines = new ArrayList<>();
    boolean clean = true;
    Instant started = Instant.now();
    try (FaultDatabase server = FaultDatabase.start()) {
      for (FaultScenario scenario : only) {
        Instant begin = Instant.now();
        Outcome outcome = run(scenario, server, logs, fast);
        String line =
            outcome.line() + " | seconds=" + Duration.between(begin, Instant.now()).toSeconds();
        System.out.println(line);
        lines.add(line);
        Files.createDirectories(results);
        Files.write(
            results.resolve(outcome.scenario() + (fast ? "-fast" : "") + ".txt"),
            List.of("# " + Instant.now() + ", java " + Runtime.version(), line));
        clean &= outcome.clean();
      }
    }
    List<String> report = new ArrayList<>();
    report.add("# Pump fault suite, full run");
    report.add(
        "# started "
            + started
            + ", "
            + Duration.between(started, Instant.now()).toSeconds()
            + " s, java "
            + Runtime.version()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cpus");
    report.add("# sizes: " + (fast ? "fast (CI)" : "full"));
    report.add(
        "# this run ("
            + String.join(",", only.stream().map(FaultScenario::label).toList())
            + "): "
            + (clean ? "CLEAN" : "NOT CLEAN"));
    report.addAll(lines);
    if (!fast) {
      // every scenario's last full run, also those of earlier invocations
      List<String> last = new ArrayList<>();
      try (var files = Files.list(results)) {
        for (Path file : files.filter(FaultSuite::fullResult).sorted().toList()) {
          last.add(Files.readAllLines(file).getLast());
        }
      }
      int scenarios = FaultScenario.values().length;
      List<String> promised =
          last.stream()
              .filter(l -> FaultScenario.byLabel(l.substring(0, l.indexOf(':'))).isPresent())
              .toList();
      boolean allClean =
          promised.size() == scenarios
              && promised.stream().allMatch(l -> l.matches("[a-z-]+: CLEAN .*"));
      report.add(
          "# last full run of every scenario (results/<scenario>.txt), "
              + scenarios
              + " promised scenarios ("
              + FaultScenario.allNames()
              + "): "
              + (allClean ? "CLEAN" : "NOT CLEAN or not all run"));
      report.addAll(last);
    }
    Files.createDirectories(results);
    Files.write(results.resolve(fast ? "latest-fast.txt" : "latest.txt"), report);
    System.out.println(clean ? "fault suite: CLEAN" : "fault suite: NOT CLEAN");
    System.exit(clean ? 0 : 1);
  }

  private static boolean fullResult(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".txt")
        && FaultScenario.byLabel(name.substring(0, name.length() - ".txt".length())).isPresent();
  }

  private static Outcome run(FaultScenario scenario, FaultDatabase server, Path logs, boolean fast)
      throws Exception {
    String name = scenario.label();
    return switch (scenario) {
      case CRASH_LOOP ->
          CrashLoop.run(
              server,
              name,
              POSTGRESQL,
              fast
                  ? new CrashLoop.Settings(1_500, 0.1, 4, 3, 1, 1, 100, 1L, Duration.ofMinutes(3))
                  : new CrashLoop.Settings(
                      50_000, 0.1, 20, 8, 1, 1, 500, 1L, Duration.ofMinutes(20)),
              logs);
      case DATABASE_OUTAGE ->
          DatabaseOutage.run(
              server,
              name,
              fast
                  ? new DatabaseOutage.Settings(
                      1_200, 100, 3, Duration.ofSeconds(5), 2L, Duration.ofMinutes(3))
                  : new DatabaseOutage.Settings(
                      20_000, 250, 10, Duration.ofSeconds(20), 2L, Duration.ofMinutes(15)),
              logs);
      case BROKER_OUTAGE ->
          onRabbitMq(
              name,
              rabbitMq -> {
                try (TcpRelay relay = rabbitMq.newRelay()) {
                  return BrokerOutage.run(
                      server,
                      name,
                      rabbitMq.through(relay),
                      relay,
                      fast
                          ? new BrokerOutage.Settings(
                              600, 60, Duration.ofSeconds(5), 3L, Duration.ofMinutes(3))
                          : new BrokerOutage.Settings(
                              10_000, 150, Duration.ofSeconds(30), 3L, Duration.ofMinutes(15)),
                      logs);
                }
              });
      case BAD_DESTINATION -> BadDestination.run(server, name, fast ? 500 : 5_000, 4L, logs);
      case POISON_INPUT -> PoisonInput.run(server, name, fast ? 300 : 2_000, 5L);
      case COMPETING_INSTANCES ->
          CrashLoop.run(
              server,
              name,
              POSTGRESQL,
              fast
                  ? new CrashLoop.Settings(1_500, 0.1, 4, 2, 3, 2, 100, 6L, Duration.ofMinutes(3))
                  : new CrashLoop.Settings(
                      20_000, 0.1, 12, 6, 3, 2, 400, 6L, Duration.ofMinutes(15)),
              logs);
      case HOSTILE_CONFIGURATION -> HostileConfiguration.run(server, name);
      case PROCESS_KILLER_POSTGRESQL -> ProcessKiller.run(server, name, POSTGRESQL, 15, logs);
      case PROCESS_KILLER_RABBITMQ ->
          onRabbitMq(name, rabbitMq -> ProcessKiller.run(server, name, rabbitMq, 15, logs));
      case KILL_DURING_CLEANUP ->
          CleanupKill.run(
              server,
              name,
              fast
                  ? new CleanupKill.Settings(500, 20_000, 3, 10L, Duration.ofMinutes(2))
                  : new CleanupKill.Settings(5_000, 50_000, 10, 10L, Duration.ofMinutes(5)),
              logs);
      case CRASH_LOOP_KAFKA ->
          onKafka(
              name,
              kafka ->
                  CrashLoop.run(
                      server,
                      name,
                      kafka,
                      fast
                          ? new CrashLoop.Settings(
                              600, 0.1, 3, 2, 2, 1, 60, 20261206L, Duration.ofMinutes(3))
                          : new CrashLoop.Settings(
                              20_000, 0.1, 12, 6, 2, 1, 200, 1L, Duration.ofMinutes(5)),
                      logs));
      case BROKER_OUTAGE_KAFKA -> kafkaBrokerOutage(server, name, logs, fast);
      case PROCESS_KILLER_KAFKA ->
          onKafka(name, kafka -> ProcessKiller.run(server, name, kafka, 15, logs));
      case POISON_INPUT_KAFKA ->
          onKafka(
              name,
              kafka ->
                  KafkaPoisonInput.run(
                      server,
                      name,
                      kafka.bootstrapServers(),
                      fast ? 300 : 2_000,
                      fast ? 20261206L : 5L));
    };
  }

  /** A scenario on a broker of type {@code B}. */
  @FunctionalInterface
  private interface OnBroker<B extends Broker> {
    Outcome run(B broker) throws Exception;
  }

  /** Runs {@code scenario} on the RabbitMQ of {@link RabbitMq#local()}, or reports it skipped. */
  private static Outcome onRabbitMq(String name, OnBroker<RabbitMq> scenario) throws Exception {
    RabbitMq rabbitMq = RabbitMq.local();
    return rabbitMq.answers()
        ? scenario.run(rabbitMq)
        : skipped(name, "no RabbitMQ answers at PUMP_TEST_RABBITMQ_URI or 127.0.0.1:5672");
  }

  /** Runs {@code scenario} on the run's shared Kafka broker, or reports it skipped. */
  private static Outcome onKafka(String name, OnBroker<Kafka> scenario) throws Exception {
    Kafka kafka;
    try {
      kafka = new Kafka(KafkaBroker.bootstrapServers());
    } catch (RuntimeException e) {
      return skipped(name, "the in-process Kafka broker did not start: " + e.getMessage());
    }
    if (!kafka.answers()) {
      return skipped(
          name,
          "no Kafka answers at "
              + kafka.bootstrapServers()
              + " ("
              + KafkaBroker.BOOTSTRAP_VARIABLE
              + ")");
    }
    return scenario.run(kafka);
  }

  private static Outcome kafkaBrokerOutage(
      FaultDatabase server, String name, Path logs, boolean fast) throws Exception {
    KafkaBroker.Relayed broker;
    try {
      broker = KafkaBroker.startBehindRelay();
    } catch (Exception e) {
      return skipped(name, "the in-process Kafka broker behind a relay did not start: " + e);
    }
    try (broker) {
      return BrokerOutage.run(
          server,
          name,
          new Kafka(broker.bootstrapServers()),
          broker.relay(),
          fast
              ? new BrokerOutage.Settings(600, 60, Duration.ofSeconds(5), 3L, Duration.ofMinutes(3))
              : new BrokerOutage.Settings(
                  10_000, 150, Duration.ofSeconds(30), 3L, Duration.ofMinutes(5)),
          logs);
    }
  }

  private static Outcome skipped(String scenario, String why) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("skipped", why);
    facts.put("expectationsMet", false);
    return new Outcome(scenario, new Verdict(Map.of(), List.of()), facts);
  }
}
