package dev.pump.benchmarks.endtoend;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.harness.Broker;
import dev.pump.benchmarks.harness.CpuUsage;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.Pgbench;
import dev.pump.benchmarks.harness.Sink;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.benchmarks.report.Target;
import dev.pump.benchmarks.writepath.WritePathSql;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End to end ({@code end-to-end}): messages arrive in a queue, an endpoint handles each with the
 * inbox, one business insert and one send (an outbox row) in one transaction, and the dispatcher
 * relays the sends to a second queue ({@link EndToEndService}); with the PostgreSQL queue
 * transport, and with RabbitMQ in and out.
 *
 * <p>First the <b>sustainable rate</b>: a closed loop in which producers keep at most {@value
 * EndToEndRuns#IN_FLIGHT} messages enqueued and not yet handled, so the endpoint always has work
 * and the backlog cannot grow; the rate is the smaller of the handled and the dispatched rates over
 * the round (a dispatcher that fell behind would show as the lower one). Its rounds take turns with
 * pgbench running the same SQL per message ({@link EndToEndScript}) with as many clients as the
 * endpoint's concurrency. Then a <b>paced run at 50%</b> of the sustainable rate, whose latencies
 * count from each message's intended enqueue time (no coordinated omission): enqueue to handled
 * (the handler's commit), commit to dispatch (the relay's send to the second queue returned), and
 * enqueue to dispatch.
 */
public final class EndToEnd {
  public static final String NAME = "end-to-end";

  private final Database database;
  private final Plan.EndToEndPlan plan;
  private final Pgbench pgbench;
  private final Path workDirectory;
  private final String rabbitUri;
  private final EndToEndRuns runs;
  private double postgresSustainable = Double.NaN;

  /**
   * @param rabbitUri the broker, or null to run the PostgreSQL queue transport only
   */
  public EndToEnd(
      Database database, Plan plan, Pgbench pgbench, Path workDirectory, String rabbitUri) {
    this.database = database;
    this.plan = plan.endToEnd();
    this.pgbench = pgbench;
    this.workDirectory = workDirectory;
    this.rabbitUri = rabbitUri;
    this.runs = new EndToEndRuns(database, this.plan, rabbitUri);
  }

  /** The sustainable rate with the PostgreSQL transport of the last {@link #run}, or NaN. */
  public double postgresSustainableRate() {
    return postgresSustainable;
  }

  public Scenario run() throws Exception {
    List<Case> cases = new ArrayList<>();
    List<TransportKind> kinds =
        rabbitUri == null ? List.of(TransportKind.POSTGRES) : List.of(TransportKind.values());
    for (TransportKind kind : kinds) {
      System.out.printf("%s: %s%n", NAME, kind.label);
      try {
        cases.add(measure(kind));
      } finally {
        if (kind == TransportKind.RABBITMQ) {
          deleteBrokerQueues();
        }
      }
    }
    return new Scenario(
        NAME,
        "End to end: queue in, handler with inbox + business write + outbox, dispatched to a"
            + " second queue",
        cases,
        targets(cases),
        EndToEndReport.markdown(cases));
  }

  private Case measure(TransportKind kind) throws Exception {
    boolean pgbenchThere = pgbench.version() != null;
    // the warm-up also tells how many rows Pump's dispatcher relays per cycle at this rate, which
    // sets the dispatcher's share in pgbench's script
    EndToEndRuns.Capacity warm = runs.capacity(kind, plan.warmUp(), false);
    int rowsPerCycle = (int) Math.max(1, Math.round(warm.rowsPerCycle()));
    List<String> script = EndToEndScript.script(kind, rowsPerCycle);
    Map<String, String> variables = EndToEndScript.variables();
    Path file = Pgbench.script(workDirectory, "end-to-end-" + kind.label + ".sql", script);
    if (pgbenchThere) {
      pgbenchRound(kind, file, variables, plan.warmUp(), false);
    }
    List<Double> pumpRates = new ArrayList<>();
    List<Double> pgbenchRates = new ArrayList<>();
    List<Map<String, Object>> pumpRounds = new ArrayList<>();
    for (int round = 0; round < plan.rounds(); round++) {
      // the two take turns, the order alternating, so other load on the machine hits both
      boolean pumpFirst = round % 2 == 0;
      for (int turn = 0; turn < 2; turn++) {
        if ((turn == 0) == pumpFirst) {
          EndToEndRuns.Capacity capacity = runs.capacity(kind, plan.round(), false);
          pumpRates.add(capacity.sustainable());
          pumpRounds.add(capacity.toJson());
        } else if (pgbenchThere) {
          pgbenchRates.add(pgbenchRound(kind, file, variables, plan.round(), false).tps());
        }
      }
    }
    Measured pump = pumpMeasured(kind, pumpRates, pumpRounds, warm);
    double sustainable = pump.median();
    if (kind == TransportKind.POSTGRES) {
      postgresSustainable = sustainable;
    }
    EndToEndRuns.Paced paced = runs.paced(kind, sustainable / 2);
    pump.details().put("latency_at_half_rate", paced.toJson());
    Measured baseline =
        pgbenchThere
            ? pgbenchMeasured(kind, file, variables, script, pgbenchRates, rowsPerCycle)
            : Measured.missing("pgbench", "msgs/s", "pgbench not found");
    if (pgbenchThere) {
      baseline
          .details()
          .put("same_sql_as_pump", WritePathSql.sameSql(pump, baseline, "db_cost_per_message"));
    }
    print(pump, baseline, paced);
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("transport", kind.label);
    conditions.put("concurrency", plan.concurrency());
    conditions.put("producers", plan.producers());
    return new Case(kind.label, conditions, pump, List.of(baseline));
  }

  /** Pump's capacity rounds, and its database cost in a window of its own. */
  private Measured pumpMeasured(
      TransportKind kind,
      List<Double> rates,
      List<Map<String, Object>> rounds,
      EndToEndRuns.Capacity warm)
      throws Exception {
    EndToEndRuns.Capacity costed = runs.capacity(kind, plan.costRun(), true);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("capacity_rounds", rounds);
    details.put("dispatcher_rows_per_cycle_at_warm_up", DbCost.round(warm.rowsPerCycle()));
    details.put("db_cost_per_message", costed.cost());
    details.put(
        "setup",
        "endpoint concurrency "
            + plan.concurrency()
            + ", "
            + plan.producers()
            + " producer threads, one message per enqueue; closed loop with at most "
            + EndToEndRuns.IN_FLIGHT
            + " messages enqueued and not handled; sustainable = min(handled, dispatched)");
    return new Measured("pump", "msgs/s", rates, details);
  }

  /** pgbench's rounds, and its database cost in a window of its own. */
  private Measured pgbenchMeasured(
      TransportKind kind,
      Path file,
      Map<String, String> variables,
      List<String> script,
      List<Double> rates,
      int rowsPerCycle)
      throws Exception {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put(
        "db_cost_per_message", pgbenchRound(kind, file, variables, plan.costRun(), true).cost());
    details.put("dispatcher_cycle_every_messages", rowsPerCycle);
    details.put("pgbench", Pgbench.describe(plan.concurrency(), plan.round(), script));
    return new Measured("pgbench", "msgs/s", rates, details);
  }

  private static void print(Measured pump, Measured pgbench, EndToEndRuns.Paced paced) {
    System.out.printf(
        Locale.ROOT,
        "  pump %.0f msgs/s (spread %.0f%%), pgbench %.0f msgs/s; at %.0f msgs/s commit to"
            + " dispatch p99 %.1f ms, enqueue to handled p99 %.1f ms%n",
        pump.median(),
        pump.spreadPercent(),
        pgbench.median(),
        paced.rate(),
        paced.intervals().commitToDispatch().getValueAtPercentile(99) / 1e6,
        paced.intervals().enqueueToHandled().getValueAtPercentile(99) / 1e6);
  }

  private void deleteBrokerQueues() throws Exception {
    Broker.withChannel(
        rabbitUri,
        channel -> {
          for (String queue :
              List.of(EndToEndService.INPUT, EndToEndService.OUTPUT, EndToEndService.ERRORS)) {
            channel.queueDelete(queue);
          }
        });
  }

  // ---- pgbench -------------------------------------------------------------------------------

  /** A pgbench round, and its database cost when it was measured. */
  private record PgbenchRound(double tps, Map<String, Object> cost) {}

  private PgbenchRound pgbenchRound(
      TransportKind kind, Path file, Map<String, String> variables, Duration duration, boolean cost)
      throws Exception {
    Workload.truncate(database.admin(), EndToEndService.TABLES.toArray(String[]::new));
    if (kind == TransportKind.POSTGRES) {
      EndToEndScript.preload(database.admin(), 4 * plan.concurrency());
    }
    // the output queue's consumer runs for pgbench as it does for Pump
    try (Sink sink =
        Sink.postgres(database.pool("pump-bench-e2e-sink", 1, null), EndToEndService.OUTPUT)) {
      sink.start();
      DbCost measured =
          cost ? DbCost.start(database, EndToEndService.TABLES, Pgbench.APPLICATION) : null;
      CpuUsage cpu = CpuUsage.now();
      Pgbench.Result result = pgbench.run(file, variables, plan.concurrency(), duration);
      Map<String, Object> costJson = new LinkedHashMap<>();
      if (measured != null) {
        costJson.put("cpu_percent_of_machine", cpu.since());
        costJson.putAll(measured.end(result.transactions()));
      }
      return new PgbenchRound(result.tps(), costJson);
    }
  }

  // ---- targets -------------------------------------------------------------------------------

  private static List<Target> targets(List<Case> cases) {
    List<Target> targets = new ArrayList<>();
    for (Case c : cases) {
      Measured pgbench = c.baselines().getFirst();
      String caveat =
          Boolean.FALSE.equals(pgbench.details().get("same_sql_as_pump"))
              ? " (pgbench's SQL did NOT match Pump's: see the JSON)"
              : "";
      targets.add(
          Target.atLeast(
              "Pump handled ≥ 50% of pgbench's messages/s, " + c.name() + caveat,
              c.ratio(pgbench),
              0.5));
      double p99 = Double.NaN;
      if (c.pump().details().get("latency_at_half_rate") instanceof Map<?, ?> latency
          && latency.get("commit_to_dispatch") instanceof Map<?, ?> commit
          && commit.get("p99_ms") instanceof Number n) {
        p99 = n.doubleValue();
      }
      targets.add(
          Target.atMost("commit to dispatch p99 ≤ 20 ms at 50% load, " + c.name(), p99, 20));
    }
    return targets;
  }
}
