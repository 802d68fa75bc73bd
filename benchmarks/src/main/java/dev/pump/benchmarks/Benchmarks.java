package dev.pump.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.confirms.ConfirmBatching;
import dev.pump.benchmarks.dispatcher.DispatcherProbes;
import dev.pump.benchmarks.drain.Drain;
import dev.pump.benchmarks.endtoend.EndToEnd;
import dev.pump.benchmarks.harness.Broker;
import dev.pump.benchmarks.harness.Brokers;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.Gruelbox;
import dev.pump.benchmarks.harness.Pgbench;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.memory.Memory;
import dev.pump.benchmarks.report.Report;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.benchmarks.soak.Soak;
import dev.pump.benchmarks.writepath.WritePath;
import dev.pump.jdbc.JdbcStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' single command: runs the scenarios side by side with their baselines and writes
 * the results. See {@link Options} for the command line and {@code docs/performance.md} for what
 * the figures mean.
 */
public final class Benchmarks {
  private Benchmarks() {}

  /** Runs the benchmarks; exits with 2 on a bad command line and 1 on a failure. */
  public static void main(String[] args) {
    quietLogging();
    Options options;
    try {
      options = Options.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      List<Path> written = run(options);
      written.forEach(path -> System.out.println("wrote " + path));
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Runs what {@code options} ask for and returns the files written. */
  static List<Path> run(Options options) throws Exception {
    Plan plan = options.quick() ? Plan.quick() : Plan.full();
    Instant started = Instant.now();
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("started_at", started.truncatedTo(ChronoUnit.SECONDS).toString());
    conditions.put("quick", options.quick());
    conditions.put("cpus", Runtime.getRuntime().availableProcessors());
    conditions.put("load_average_start", loadAverage());
    conditions.put(
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    conditions.put("rounds", plan.rounds());
    conditions.put("warm_up_s", plan.warmUp().toSeconds());
    conditions.put("round_s", plan.round().toSeconds());
    String rabbit = rabbitUri(options);
    conditions.put("rabbitmq", rabbit == null ? "not used" : "at " + withoutPassword(rabbit));
    String kafka = options.kafkaBootstrap();
    conditions.put("kafka", kafka == null ? "not used" : "at " + kafka);
    Path work = Files.createTempDirectory("pump-bench");
    List<Scenario> scenarios = new ArrayList<>();
    try (Database database =
        Database.open(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
      Pgbench pgbench = new Pgbench(options.pgbench(), database);
      String pgbenchVersion = pgbench.version();
      conditions.put("pgbench", pgbenchVersion == null ? "pgbench missing" : pgbenchVersion);
      conditions.put("postgresql", database.settings());
      System.out.println("Conditions: " + conditions);
      prepare(database);
      // the soak runs at 70% of the end-to-end scenario's sustainable rate when it ran first
      double sustainable = Double.NaN;
      for (String name : options.scenarios()) {
        Instant scenarioStart = Instant.now();
        Scenario scenario;
        switch (name) {
          case WritePath.NAME -> scenario = new WritePath(database, plan, pgbench, work).run();
          case Drain.NAME -> scenario = new Drain(database, plan, rabbit, kafka).run();
          case EndToEnd.NAME -> {
            EndToEnd endToEnd =
                new EndToEnd(database, plan, pgbench, work, new Brokers(rabbit, kafka));
            scenario = endToEnd.run();
            sustainable = endToEnd.postgresSustainableRate();
          }
          case Soak.NAME ->
              scenario =
                  new Soak(
                          database,
                          plan,
                          sustainable,
                          options.soakObserved()
                              ? options.out().resolve("soak-dashboard.png")
                              : null)
                      .run();
          case Memory.NAME -> scenario = new Memory(database, plan).run();
          case DispatcherProbes.NAME ->
              scenario = new DispatcherProbes(database, options.quick()).run();
          case ConfirmBatching.NAME ->
              scenario = new ConfirmBatching(rabbit, plan.rounds(), options.quick()).run();
          default -> throw new IllegalArgumentException("unknown scenario " + name);
        }
        long seconds = ChronoUnit.SECONDS.between(scenarioStart, Instant.now());
        System.out.printf("%s took %d s%n", name, seconds);
        scenarios.add(scenario.withDuration(seconds));
      }
    } finally {
      deleteQuietly(work);
    }
    conditions.put("load_average_end", loadAverage());
    conditions.put("duration_s", ChronoUnit.SECONDS.between(started, Instant.now()));
    String date = DateTimeFormatter.ISO_LOCAL_DATE.format(started.atOffset(ZoneOffset.UTC));
    return Report.write(options.out(), date, conditions, scenarios);
  }

  /** Fresh schemas: the business table, gruelbox's schema, and Pump's migrated tables. */
  private static void prepare(Database database) {
    Workload.createTables(database.admin());
    try (HikariDataSource pool = database.pool("pump-bench-migrate", 3, null)) {
      JdbcStorage.builder().dataSource(pool).schema(Database.PUMP_SCHEMA).build().close();
    }
    // gruelbox creates its tables in the pool's schema when its outbox is built
    try (HikariDataSource pool = database.pool("pump-bench-migrate", 3, Database.GRUELBOX_SCHEMA)) {
      Gruelbox.create(pool, (d, id, b) -> {}, Gruelbox.DISCARD);
    }
  }

  private static String rabbitUri(Options options) {
    String uri = options.rabbitUri();
    if ("none".equals(uri) || options.quick() && uri == null) {
      return null; // the quick run checks the harness, not the broker
    }
    if (uri == null) {
      uri = Options.DEFAULT_RABBITMQ;
      if (!Broker.reachable(uri)) {
        System.out.println("RabbitMQ does not answer at " + uri + ": broker cases left out");
        return null;
      }
    } else if (!Broker.reachable(uri)) {
      throw new IllegalStateException("RabbitMQ does not answer at " + withoutPassword(uri));
    }
    return uri;
  }

  private static String withoutPassword(String uri) {
    return uri.replaceAll("//([^:@/]+):[^@/]*@", "//$1:***@");
  }

  /** The 1-minute load average, from /proc/loadavg where there is one. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      double load =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return load < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.2f", load);
    }
  }

  /** The libraries log at INFO by default; the benchmark prints its own progress. */
  private static void quietLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // hibernate-validator (a gruelbox dependency) logs through jboss-logging, else to JUL
    System.setProperty("org.jboss.logging.provider", "slf4j");
  }

  private static void deleteQuietly(Path directory) {
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans it
    }
  }
}
