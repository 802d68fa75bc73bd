package dev.pump.benchmarks.writepath;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.Load;
import dev.pump.benchmarks.harness.Pgbench;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.benchmarks.report.Target;
import dev.pump.jdbc.JdbcStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * The write path ({@code write-path}): an application transaction writes one business row and k
 * outbox messages, at several concurrencies. Pump does it through its transactional session ({@link
 * JdbcStorage#inTransaction}); pgbench runs the identical SQL ({@code BEGIN}, the business insert,
 * Pump's one-statement outbox insert with its {@code pg_notify}, {@code COMMIT}), which is the
 * database's ceiling; gruelbox schedules the same k messages in the same kind of transaction.
 */
public final class WritePath {
  public static final String NAME = "write-path";
  static final String DESTINATION = "bench-orders";
  static final String ENDPOINT = "bench-web";

  /** The observed case's baseline: the same rounds of Pump's session without telemetry. */
  static final String UNOBSERVED = "pump, not observed";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Database database;
  private final Plan plan;
  private final Pgbench pgbench;
  private final Path workDirectory;

  public WritePath(Database database, Plan plan, Pgbench pgbench, Path workDirectory) {
    this.database = database;
    this.plan = plan;
    this.pgbench = pgbench;
    this.workDirectory = workDirectory;
  }

  public Scenario run() throws Exception {
    List<Case> cases = new ArrayList<>();
    boolean first = true;
    for (int k : plan.messagesPerTransaction()) {
      for (int clients : plan.concurrencies()) {
        System.out.printf("%s: k=%d, concurrency %d%n", NAME, k, clients);
        Workload.truncate(
            database.admin(),
            Workload.BUSINESS_TABLE,
            Database.PUMP_SCHEMA + ".outbox",
            Database.GRUELBOX_SCHEMA + ".txno_outbox");
        List<Contender> contenders = new ArrayList<>();
        try {
          contenders.add(new PumpSession(database, k, clients));
          boolean pgbenchThere = pgbench.version() != null;
          if (pgbenchThere) {
            contenders.add(new PgbenchScript(pgbench, workDirectory, plan, k, clients, false));
            if (plan.withoutNotify() && clients >= plan.latencyConcurrency()) {
              // what Pump's earlier design, a pg_notify inside every transaction, would cost
              contenders.add(new PgbenchScript(pgbench, workDirectory, plan, k, clients, true));
            }
          }
          contenders.add(new GruelboxSchedule(database, k, clients));
          if (clients == plan.latencyConcurrency()) {
            contenders.add(new PumpSession(database, k, clients, true));
          }
          List<Measured> measured = measure(contenders, k, clients, first);
          for (Measured m : measured) {
            if (m.system().equals("pgbench")) {
              m.details().put("same_sql_as_pump", WritePathSql.sameSql(measured.getFirst(), m));
            }
          }
          first = false;
          measured.forEach(WritePath::print);
          List<Measured> baselines = new ArrayList<>(measured.subList(1, measured.size()));
          // the observed session is measured against Pump: the case's Pump, as a baseline
          Measured observed =
              baselines.stream()
                  .filter(m -> m.system().equals(PumpSession.OBSERVED))
                  .findFirst()
                  .orElse(null);
          baselines.removeIf(m -> m.system().equals(PumpSession.OBSERVED));
          if (!pgbenchThere) {
            baselines.addFirst(Measured.missing("pgbench", "tx/s", "pgbench not found"));
          }
          Map<String, Object> conditions = new LinkedHashMap<>();
          conditions.put("messages_per_transaction", k);
          conditions.put("concurrency", clients);
          cases.add(
              new Case("k=" + k + " c=" + clients, conditions, measured.getFirst(), baselines));
          if (observed != null) {
            Map<String, Object> observedConditions = new LinkedHashMap<>(conditions);
            observedConditions.put("observability", "metrics and traces");
            Measured plain =
                new Measured(UNOBSERVED, "tx/s", measured.getFirst().rounds(), Map.of());
            cases.add(
                new Case(
                    "k=" + k + " c=" + clients + ", observed",
                    observedConditions,
                    observed,
                    List.of(plain)));
          }
        } finally {
          for (Contender contender : contenders) {
            contender.close();
          }
        }
      }
    }
    return new Scenario(
        NAME,
        "Write path: 1 business row + k outbox messages per transaction",
        cases,
        targets(cases));
  }

  private static void print(Measured measured) {
    System.out.printf(
        "  %-24s %s%n",
        measured.system(),
        measured.isMissing()
            ? "missing: " + measured.details().get("missing")
            : String.format(
                "%.0f %s (spread %.0f%%)",
                measured.median(), measured.unit(), measured.spreadPercent()));
  }

  /**
   * Warm-up of every system, then the measured rounds interleaved (the systems take turns, in an
   * order that rotates each round, so a change in the machine's other load hits all of them alike),
   * then a paced latency run, then the database cost of each in a window of its own.
   */
  private List<Measured> measure(List<Contender> contenders, int k, int clients, boolean first)
      throws Exception {
    for (Contender contender : contenders) {
      contender.round(first ? plan.firstWarmUp() : plan.warmUp());
    }
    int n = contenders.size();
    List<List<Double>> rates = new ArrayList<>();
    List<Histogram> serviceTimes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rates.add(new ArrayList<>());
      serviceTimes.add(new Histogram(3));
    }
    for (int round = 0; round < plan.rounds(); round++) {
      for (int turn = 0; turn < n; turn++) {
        int i = (turn + round) % n;
        Load.Run run = contenders.get(i).round(plan.round());
        rates.get(i).add(run.rate());
        if (run.latency() != null) {
          serviceTimes.get(i).add(run.latency());
        }
      }
    }
    List<Double> medians = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      medians.add(
          new Measured(contenders.get(i).system(), "tx/s", rates.get(i), Map.of()).median());
    }
    List<Map<String, Object>> latencies =
        clients == plan.latencyConcurrency() ? pacedRounds(contenders, medians) : null;
    List<Measured> measured = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Contender contender = contenders.get(i);
      Map<String, Object> details = new LinkedHashMap<>();
      double median = medians.get(i);
      details.put("messages_per_s", DbCost.round(median * k));
      if (serviceTimes.get(i).getTotalCount() > 0) {
        details.put("latency_closed_loop", Load.percentiles(serviceTimes.get(i)));
      }
      if (latencies != null && latencies.get(i) != null) {
        details.put("latency_at_half_rate", latencies.get(i));
      }
      DbCost cost = DbCost.start(database, contender.tables(), contender.application());
      Load.Run costRun = contender.round(plan.costRun());
      details.put("db_cost_per_tx", cost.end(costRun.units()));
      details.putAll(contender.describe());
      measured.add(new Measured(contender.system(), "tx/s", rates.get(i), details));
    }
    return measured;
  }

  /**
   * Paced runs at half of each system's median rate, in interleaved rounds like the throughput (a
   * stall of the machine, a checkpoint, lands in one system's round, not in its whole figure): the
   * percentiles of all rounds together, and each round's p99 to show how much one round decides.
   * Null for a system that is not paced.
   */
  private List<Map<String, Object>> pacedRounds(List<Contender> contenders, List<Double> medians)
      throws Exception {
    int n = contenders.size();
    List<Histogram> merged = new ArrayList<>();
    List<List<Double>> p99s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      merged.add(new Histogram(3));
      p99s.add(new ArrayList<>());
    }
    for (int round = 0; round < plan.rounds(); round++) {
      for (int turn = 0; turn < n; turn++) {
        int i = (turn + round) % n;
        Load.Run paced = contenders.get(i).paced(medians.get(i) / 2, plan.latencyRun());
        if (paced != null) {
          merged.get(i).add(paced.latency());
          p99s.get(i).add(DbCost.round(paced.latency().getValueAtPercentile(99) / 1e6));
        }
      }
    }
    List<Map<String, Object>> latencies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (p99s.get(i).isEmpty()) {
        latencies.add(null);
        continue;
      }
      Map<String, Object> latency = Load.percentiles(merged.get(i));
      latency.put("p99_ms_by_round", p99s.get(i));
      latency.put("rate_tx_per_s", DbCost.round(medians.get(i) / 2));
      latency.put("from", "intended start (no coordinated omission)");
      latencies.add(latency);
    }
    return latencies;
  }

  private static List<Target> targets(List<Case> cases) {
    List<Target> targets = new ArrayList<>();
    for (Case c : cases) {
      if (!c.conditions().get("concurrency").equals(8)) {
        continue;
      }
      if (c.baselines().getFirst().system().equals(UNOBSERVED)) {
        targets.add(
            Target.atLeast(
                "write path with metrics and traces ≥ 0.95× without, " + c.name(),
                c.ratio(c.baselines().getFirst()),
                0.95));
        continue;
      }
      for (Measured baseline : c.baselines()) {
        double ratio = c.ratio(baseline);
        if (baseline.system().equals("pgbench")) {
          String caveat =
              Boolean.TRUE.equals(baseline.details().get("same_sql_as_pump"))
                  ? ""
                  : " (pgbench's SQL did NOT match Pump's: see the JSON)";
          targets.add(Target.atLeast("Pump ≥ 70% of pgbench, " + c.name() + caveat, ratio, 0.70));
        } else if (baseline.system().equals("gruelbox")
            && c.conditions().get("messages_per_transaction").equals(1)) {
          targets.add(Target.atLeast("Pump ≥ 1.0× gruelbox, " + c.name(), ratio, 1.0));
          targets.add(
              Target.atMost(
                  "Pump's p99 at half the measured rate ≤ 1.5× gruelbox's, " + c.name(),
                  p99(c.pump()) / p99(baseline),
                  1.5));
        }
      }
    }
    return targets;
  }

  /** The paced p99 of all rounds together, NaN when there was no paced run. */
  private static double p99(Measured m) {
    return m.details().get("latency_at_half_rate") instanceof Map<?, ?> latency
            && latency.get("p99_ms") instanceof Number n
        ? n.doubleValue()
        : Double.NaN;
  }
}
