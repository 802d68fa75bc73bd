package dev.pump.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The full fault suite at full size, one command:
 *
 * <pre>
 * java -cp ... dev.pump.faults.FaultSuite [--only 1,2,3,4,5,6,7,8,9,10] [--fast true]
 *     [--results fault-suite/results]
 * </pre>
 *
 * Runs each scenario on a fresh database of one server (embedded, or {@code PUMP_TEST_JDBC_URL}),
 * prints one line per scenario, writes each to {@code results/<scenario>.txt} and all of this run's
 * to {@code results/latest.txt}, and exits with 1 if any scenario is not clean. {@code --fast true}
 * runs the sizes of the CI tests. Scenarios 3 and 9 need RabbitMQ ({@code PUMP_TEST_RABBITMQ_URI},
 * else {@code 127.0.0.1:5672}); without one they are reported as skipped, which is not clean.
 */
public final class FaultSuite {
  /**
   * Every scenario the suite promises clean: the seven of the table (1-7), the process-killer
   * probes on PostgreSQL (8) and RabbitMQ (9), and the kill during retention cleanup (10).
   */
  static final String ALL = "1,2,3,4,5,6,7,8,9,10";

  private FaultSuite() {}

  /** Runs the suite. */
  public static void main(String[] args) throws Exception {
    var options = SutMain.options(args);
    Set<String> only = new TreeSet<>(Comparator.comparingInt(Integer::parseInt));
    only.addAll(Arrays.asList(options.getOrDefault("only", ALL).split(",")));
    Path results = Path.of(options.getOrDefault("results", "fault-suite/results"));
    Path logs = results.resolve("logs");
    boolean fast = Boolean.parseBoolean(options.getOrDefault("fast", "false"));
    List<String> lines = new ArrayList<>();
    boolean clean = true;
    Instant started = Instant.now();
    try (FaultDatabase server = FaultDatabase.start()) {
      for (String scenario : only) {
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
    report.add("# this run (" + String.join(",", only) + "): " + (clean ? "CLEAN" : "NOT CLEAN"));
    report.addAll(lines);
    if (!fast) {
      // every scenario's last full run, also those of earlier invocations
      List<String> last = new ArrayList<>();
      try (var files = Files.list(results)) {
        for (Path file : files.filter(FaultSuite::fullResult).sorted().toList()) {
          last.add(Files.readAllLines(file).getLast());
        }
      }
      int scenarios = ALL.split(",").length;
      List<String> promised =
          last.stream()
              .filter(
                  l -> Arrays.asList(ALL.split(",")).contains(l.replaceAll("^s(\\d+)_.*", "$1")))
              .toList();
      boolean allClean =
          promised.size() == scenarios
              && promised.stream().allMatch(l -> l.matches("s\\d+_[a-z_]+: CLEAN .*"));
      report.add(
          "# last full run of every scenario (results/s*.txt), "
              + scenarios
              + " promised scenarios ("
              + ALL
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
    return name.matches("s\\d+_.*\\.txt") && !name.endsWith("-fast.txt");
  }

  private static Outcome run(String scenario, FaultDatabase server, Path logs, boolean fast)
      throws Exception {
    return switch (scenario) {
      case "1" ->
          CrashLoop.run(
              server,
              "s1_crash_loop",
              fast
                  ? new CrashLoop.Settings(1_500, 0.1, 4, 3, 1, 1, 100, 1L, Duration.ofMinutes(3))
                  : new CrashLoop.Settings(
                      50_000, 0.1, 20, 8, 1, 1, 500, 1L, Duration.ofMinutes(20)),
              logs);
      case "2" ->
          DatabaseOutage.run(
              server,
              "s2_database_outage",
              fast
                  ? new DatabaseOutage.Settings(
                      1_200, 100, 3, Duration.ofSeconds(5), 2L, Duration.ofMinutes(3))
                  : new DatabaseOutage.Settings(
                      20_000, 250, 10, Duration.ofSeconds(20), 2L, Duration.ofMinutes(15)),
              logs);
      case "3" -> brokerOutage(server, logs, fast);
      case "4" -> BadDestination.run(server, "s4_bad_destination", fast ? 500 : 5_000, 4L, logs);
      case "5" -> PoisonInput.run(server, "s5_poison", fast ? 300 : 2_000, 5L);
      case "6" ->
          CrashLoop.run(
              server,
              "s6_competing",
              fast
                  ? new CrashLoop.Settings(1_500, 0.1, 4, 2, 3, 2, 100, 6L, Duration.ofMinutes(3))
                  : new CrashLoop.Settings(
                      20_000, 0.1, 12, 6, 3, 2, 400, 6L, Duration.ofMinutes(15)),
              logs);
      case "7" -> HostileConfiguration.run(server, "s7_hostile");
      case "8" -> ProcessKiller.run(server, "s8_process_killer_postgresql", null, 15, logs);
      case "9" -> {
        String broker = BrokerOutage.brokerUri();
        yield BrokerOutage.brokerAnswers(broker)
            ? ProcessKiller.run(server, "s9_process_killer_rabbitmq", broker, 15, logs)
            : skipped("s9_process_killer_rabbitmq");
      }
      case "10" ->
          CleanupKill.run(
              server,
              "s10_kill_during_cleanup",
              fast
                  ? new CleanupKill.Settings(500, 20_000, 3, 10L, Duration.ofMinutes(2))
                  : new CleanupKill.Settings(5_000, 50_000, 10, 10L, Duration.ofMinutes(5)),
              logs);
      default -> throw new IllegalArgumentException("no scenario " + scenario);
    };
  }

  private static Outcome brokerOutage(FaultDatabase server, Path logs, boolean fast)
      throws Exception {
    String broker = BrokerOutage.brokerUri();
    if (!BrokerOutage.brokerAnswers(broker)) {
      return skipped("s3_broker_outage");
    }
    return BrokerOutage.run(
        server,
        "s3_broker_outage",
        broker,
        fast
            ? new BrokerOutage.Settings(600, 60, Duration.ofSeconds(5), 3L, Duration.ofMinutes(3))
            : new BrokerOutage.Settings(
                10_000, 150, Duration.ofSeconds(30), 3L, Duration.ofMinutes(15)),
        logs);
  }

  private static Outcome skipped(String scenario) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("skipped", "no RabbitMQ answers at PUMP_TEST_RABBITMQ_URI or 127.0.0.1:5672");
    facts.put("expectationsMet", false);
    return new Outcome(scenario, new Verdict(Map.of(), List.of()), facts);
  }
}
