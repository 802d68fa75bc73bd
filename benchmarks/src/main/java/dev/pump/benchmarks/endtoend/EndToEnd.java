package dev.pump.benchmarks.endtoend;

// This file is long because it is the end-to-end scenario's whole round rotation (Pump, both
// ceilings, the competing endpoints and the paced latency) in one place, so their turns stay fair.

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.harness.Broker;
import dev.pump.benchmarks.harness.Brokers;
import dev.pump.benchmarks.harness.CpuUsage;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.KafkaTopics;
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
 * End to end ({@code end-to-end}): messages arrive in a queue, an endpoint takes them in batches
 * and handles each with the inbox, one business insert and one send (an outbox row), a batch in one
 * transaction, and the dispatcher relays the sends to a second queue ({@link EndToEndService});
 * with the PostgreSQL queue transport, and with RabbitMQ in and out.
 *
 * <p>First the <b>sustainable rate</b>: a closed loop in which producers keep at most twice the
 * endpoint's concurrency enqueued and not yet handled, so the endpoint always has full batches to
 * take and the backlog cannot grow; the rate is the smaller of the handled and the dispatched rates
 * over the round (a dispatcher that fell behind would show as the lower one). Its rounds take turns
 * with two ceilings measured by pgbench ({@link EndToEndScript}), with the same clients: {@value
 * #PER_MESSAGE}, Pump's SQL before batching, one message per transaction; and {@value #BATCHED},
 * the SQL a batch sends. With PostgreSQL, two instances of the service competing on the input queue
 * take turns too, against the one. Then a <b>paced run at 50%</b> of the sustainable rate, whose
 * latencies count from each message's intended enqueue time (no coordinated omission): enqueue to
 * handled (the handler's commit), commit to dispatch (the relay's send to the second queue
 * returned), and enqueue to dispatch.
 */
public final class EndToEnd {
  public static final String NAME = "end-to-end";

  /** The ceiling of Pump's SQL before batching. */
  static final String PER_MESSAGE = "per-message";

  /** The ceiling of the SQL of Pump's batches. */
  static final String BATCHED = "batched";

  /** The competing-consumers case's baseline: one instance, in the same rounds. */
  static final String ONE_ENDPOINT = "pump, 1 endpoint";

  /** The observed case's baseline: the same rounds of Pump without metrics and traces. */
  static final String UNOBSERVED = "pump, not observed";

  private static final String OBSERVED = "observed";

  private final Database database;
  private final Plan.EndToEndPlan plan;
  private final Pgbench pgbench;
  private final Path workDirectory;
  private final String rabbitUri;
  private final Brokers brokers;
  private final EndToEndRuns runs;
  private double postgresSustainable = Double.NaN;

  /**
   * @param brokers RabbitMQ and Kafka, where given: each runs beside the PostgreSQL queue
   */
  public EndToEnd(
      Database database, Plan plan, Pgbench pgbench, Path workDirectory, Brokers brokers) {
    this.database = database;
    this.plan = plan.endToEnd();
    this.pgbench = pgbench;
    this.workDirectory = workDirectory;
    this.rabbitUri = brokers.rabbitUri();
    this.brokers = brokers;
    this.runs = new EndToEndRuns(database, this.plan, brokers);
  }

  /** The sustainable rate with the PostgreSQL transport of the last {@link #run}, or NaN. */
  public double postgresSustainableRate() {
    return postgresSustainable;
  }

  public Scenario run() throws Exception {
    List<Case> cases = new ArrayList<>();
    List<TransportKind> kinds = new ArrayList<>(List.of(TransportKind.POSTGRES));
    if (rabbitUri != null) {
      kinds.add(TransportKind.RABBITMQ);
    }
    if (brokers.kafkaBootstrap() != null) {
      kinds.add(TransportKind.KAFKA);
    }
    for (TransportKind kind : kinds) {
      System.out.printf("%s: %s%n", NAME, kind.label);
      try {
        cases.addAll(measure(kind));
      } finally {
        if (kind == TransportKind.RABBITMQ) {
          deleteBrokerQueues();
        }
        if (kind == TransportKind.KAFKA) {
          KafkaTopics.purge(
              brokers.kafkaBootstrap(),
              List.of(EndToEndService.INPUT, EndToEndService.OUTPUT, EndToEndService.ERRORS));
        }
      }
    }
    return new Scenario(
        NAME,
        "End to end: queue in, batches handled with inbox + business write + outbox, dispatched to"
            + " a second queue",
        cases,
        targets(cases),
        EndToEndReport.markdown(cases, plan));
  }

  /** One system of a case, measured one round at a time. */
  private interface Contestant {
    /** Runs a closed-loop round and returns its rate in messages per second. */
    double round(Duration duration) throws Exception;
  }

  /**
   * A pgbench ceiling: its scripts by file name with their weights, variables and clients, and the
   * messages preloaded into its input queue.
   */
  private record Ceiling(
      String name,
      Map<String, List<String>> scripts,
      Map<String, Integer> weights,
      Map<Path, Integer> files,
      Map<String, String> variables,
      int clients,
      int preload) {}

  private List<Case> measure(TransportKind kind) throws Exception {
    boolean pgbenchThere = pgbench.version() != null;
    int batch = plan.messagesPerTransaction();
    boolean competing = kind == TransportKind.POSTGRES && plan.competingEndpoints() > 1;
    // the warm-up also tells how many rows Pump's dispatcher relays per cycle at this rate, which
    // sets the dispatcher's share in pgbench's scripts
    EndToEndRuns.Capacity warm = runs.capacity(kind, 1, batch, plan.warmUp(), false);
    int rowsPerCycle = (int) Math.max(1, Math.round(warm.rowsPerCycle()));
    List<Ceiling> ceilings = new ArrayList<>();
    Map<String, List<String>> perMessage = new LinkedHashMap<>();
    perMessage.put(PER_MESSAGE + ".sql", EndToEndScript.perMessage(kind, rowsPerCycle));
    ceilings.add(ceiling(kind, PER_MESSAGE, perMessage, Map.of(), 1, plan.perMessageClients()));
    Map<String, List<String>> batched = new LinkedHashMap<>();
    batched.put(BATCHED + ".sql", EndToEndScript.batched(kind, batch, rowsPerCycle));
    Map<String, Integer> weights = new LinkedHashMap<>();
    if (kind == TransportKind.POSTGRES) {
      batched.put("enqueue.sql", EndToEndScript.enqueueOne());
      weights.put("enqueue.sql", batch);
    }
    // the enqueues, one commit per message, are most of the batched SQL's commits: pgbench runs
    // them from as many connections as the producer does; without them, as many as per message
    int batchedClients =
        kind == TransportKind.POSTGRES ? plan.producers() : plan.perMessageClients();
    ceilings.add(ceiling(kind, BATCHED, batched, weights, batch, batchedClients));

    // the systems take turns round by round, the order rotating, so other load on the machine
    // hits them alike
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    Map<String, Contestant> systems = new LinkedHashMap<>();
    List<Map<String, Object>> pumpRounds = new ArrayList<>();
    List<Map<String, Object>> competingRounds = new ArrayList<>();
    systems.put(
        "pump",
        d -> {
          EndToEndRuns.Capacity c = runs.capacity(kind, 1, batch, d, false);
          pumpRounds.add(c.toJson());
          return c.sustainable();
        });
    List<Map<String, Object>> observedRounds = new ArrayList<>();
    systems.put(
        OBSERVED,
        d -> {
          EndToEndRuns.Capacity c = runs.capacity(kind, 1, batch, d, false, true);
          observedRounds.add(c.toJson());
          return c.sustainable();
        });
    runs.capacity(kind, 1, batch, plan.warmUp(), false, true);
    if (competing) {
      systems.put(
          "competing",
          d -> {
            EndToEndRuns.Capacity c =
                runs.capacity(kind, plan.competingEndpoints(), batch, d, false);
            competingRounds.add(c.toJson());
            return c.sustainable();
          });
      runs.capacity(kind, plan.competingEndpoints(), batch, plan.warmUp(), false);
    }
    if (pgbenchThere) {
      for (Ceiling ceiling : ceilings) {
        systems.put(ceiling.name(), d -> pgbenchRound(kind, ceiling, d, false).rate());
        pgbenchRound(kind, ceiling, plan.warmUp(), false);
      }
    }
    List<String> order = new ArrayList<>(systems.keySet());
    order.forEach(name -> rates.put(name, new ArrayList<>()));
    for (int round = 0; round < plan.rounds(); round++) {
      for (int turn = 0; turn < order.size(); turn++) {
        String name = order.get((round + turn) % order.size());
        rates.get(name).add(systems.get(name).round(plan.round()));
      }
    }

    Measured pump = pumpMeasured(kind, rates.get("pump"), pumpRounds, warm);
    double sustainable = pump.median();
    if (kind == TransportKind.POSTGRES) {
      postgresSustainable = sustainable;
    }
    EndToEndRuns.Paced paced = runs.paced(kind, sustainable / 2);
    pump.details().put("latency_at_half_rate", paced.toJson());
    List<Measured> baselines = new ArrayList<>();
    for (Ceiling ceiling : ceilings) {
      baselines.add(
          pgbenchThere
              ? pgbenchMeasured(kind, ceiling, rates.get(ceiling.name()), rowsPerCycle)
              : Measured.missing(ceiling.name(), "msgs/s", "pgbench not found"));
    }
    if (pgbenchThere) {
      // Pump sends the batched SQL; the per-message script is checked against a cost window of
      // Pump with batches of one
      EndToEndRuns.Capacity single = runs.capacity(kind, 1, 1, plan.costRun(), true);
      pump.details()
          .put(
              "one_message_per_transaction",
              Map.of(
                  "rate_msgs_per_s_in_its_cost_window",
                  DbCost.round(single.sustainable()),
                  "db_cost_per_message",
                  single.cost()));
      Measured perMessagePump =
          new Measured("pump", "msgs/s", List.of(), Map.of("db_cost_per_message", single.cost()));
      baselines
          .get(0)
          .details()
          .put(
              "same_sql_as_pump",
              WritePathSql.sameSql(perMessagePump, baselines.get(0), "db_cost_per_message"));
      baselines
          .get(1)
          .details()
          .put(
              "same_sql_as_pump",
              WritePathSql.sameSql(pump, baselines.get(1), "db_cost_per_message", 0.5 / batch));
    }
    print(pump, baselines, paced);
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("transport", kind.label);
    conditions.put("concurrency", plan.concurrency());
    conditions.put("messages_per_transaction", batch);
    conditions.put("producers", plan.producers());
    List<Case> cases = new ArrayList<>();
    cases.add(new Case(kind.label, conditions, pump, baselines));
    if (competing) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("capacity_rounds", competingRounds);
      details.put(
          "setup",
          plan.competingEndpoints()
              + " instances of the service in one JVM on one input queue, each with its own pool,"
              + " storage, transport, endpoint, dispatcher and cleaner, as separate processes would"
              + " have; one producer and one sink; closed loop with at most "
              + runs.inFlight(plan.competingEndpoints())
              + " messages enqueued and not handled");
      Measured together = new Measured("pump", "msgs/s", rates.get("competing"), details);
      Measured one =
          new Measured(
              ONE_ENDPOINT,
              "msgs/s",
              rates.get("pump"),
              Map.of("setup", "the postgres case's Pump rounds, which took turns with these"));
      Map<String, Object> competingConditions = new LinkedHashMap<>(conditions);
      competingConditions.put("endpoints", plan.competingEndpoints());
      cases.add(
          new Case(
              kind.label + ", " + plan.competingEndpoints() + " endpoints",
              competingConditions,
              together,
              List.of(one)));
      System.out.printf(
          Locale.ROOT,
          "  %d competing endpoints %.0f msgs/s against one %.0f%n",
          plan.competingEndpoints(),
          together.median(),
          one.median());
    }
    cases.add(observedCase(kind, conditions, rates, observedRounds));
    return cases;
  }

  /** Pump with its metrics and traces on, against Pump without, in the same rotating rounds. */
  private static Case observedCase(
      TransportKind kind,
      Map<String, Object> conditions,
      Map<String, List<Double>> rates,
      List<Map<String, Object>> observedRounds) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("capacity_rounds", observedRounds);
    details.put(
        "setup",
        "the same service with PumpMetrics (Prometheus registry scraped every 5 s, outbox and"
            + " queues sampled every 15 s) and PumpTracing (every message traced, batch span"
            + " processor, an exporter that counts and drops) on its endpoint and dispatcher");
    Measured observed = new Measured("pump", "msgs/s", rates.get(OBSERVED), details);
    Measured plain =
        new Measured(
            UNOBSERVED,
            "msgs/s",
            rates.get("pump"),
            Map.of("setup", "the case's Pump rounds, which took turns with these"));
    Map<String, Object> observedConditions = new LinkedHashMap<>(conditions);
    observedConditions.put("observability", "metrics and traces");
    System.out.printf(
        Locale.ROOT,
        "  observed %.0f msgs/s against %.0f without%n",
        observed.median(),
        plain.median());
    return new Case(kind.label + ", observed", observedConditions, observed, List.of(plain));
  }

  /** A ceiling of {@code scripts}, run by {@code clients}. */
  private Ceiling ceiling(
      TransportKind kind,
      String name,
      Map<String, List<String>> scripts,
      Map<String, Integer> weights,
      int messagesPerBatch,
      int clients)
      throws Exception {
    Map<Path, Integer> files = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> script : scripts.entrySet()) {
      Path file =
          Pgbench.script(
              workDirectory, "end-to-end-" + kind.label + "-" + script.getKey(), script.getValue());
      files.put(file, weights.getOrDefault(script.getKey(), 1));
    }
    // enough waiting that every client's count finds a whole batch past the rows other clients
    // hold, while the enqueues, drawn at random, run ahead or behind
    return new Ceiling(
        name,
        scripts,
        weights,
        files,
        EndToEndScript.variables(messagesPerBatch),
        clients,
        8 * clients * messagesPerBatch);
  }

  /** Pump's capacity rounds, and its database cost in a window of its own. */
  private Measured pumpMeasured(
      TransportKind kind,
      List<Double> rates,
      List<Map<String, Object>> rounds,
      EndToEndRuns.Capacity warm)
      throws Exception {
    EndToEndRuns.Capacity costed =
        runs.capacity(kind, 1, plan.messagesPerTransaction(), plan.costRun(), true);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("capacity_rounds", rounds);
    details.put("dispatcher_rows_per_cycle_at_warm_up", DbCost.round(warm.rowsPerCycle()));
    details.put("db_cost_per_message", costed.cost());
    details.put(
        "setup",
        "endpoint concurrency "
            + plan.concurrency()
            + ", up to "
            + plan.messagesPerTransaction()
            + " messages per receive and transaction, "
            + plan.producers()
            + " producer threads, one message per enqueue; closed loop with at most "
            + runs.inFlight(1)
            + " messages enqueued and not handled; sustainable = min(handled, dispatched)");
    return new Measured("pump", "msgs/s", rates, details);
  }

  /** A ceiling's rounds, and its database cost in a window of its own. */
  private Measured pgbenchMeasured(
      TransportKind kind, Ceiling ceiling, List<Double> rates, int rowsPerCycle) throws Exception {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("db_cost_per_message", pgbenchRound(kind, ceiling, plan.costRun(), true).cost());
    details.put("dispatcher_cycle_every_messages", rowsPerCycle);
    details.put(
        "pgbench",
        Pgbench.describe(ceiling.clients(), plan.round(), ceiling.scripts(), ceiling.weights()));
    return new Measured(ceiling.name(), "msgs/s", rates, details);
  }

  private static void print(Measured pump, List<Measured> ceilings, EndToEndRuns.Paced paced) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "  pump %.0f msgs/s (spread %.0f%%)",
                pump.median(),
                pump.spreadPercent()));
    for (Measured ceiling : ceilings) {
      line.append(
          String.format(
              Locale.ROOT,
              ", %s %.0f msgs/s (%.2fx)",
              ceiling.system(),
              ceiling.median(),
              pump.median() / ceiling.median()));
    }
    line.append(
        String.format(
            Locale.ROOT,
            "; at %.0f msgs/s enqueue to handled p99 %.1f ms, commit to dispatch p99 %.1f ms",
            paced.rate(),
            paced.intervals().enqueueToHandled().getValueAtPercentile(99) / 1e6,
            paced.intervals().commitToDispatch().getValueAtPercentile(99) / 1e6));
    System.out.println(line);
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

  /** A pgbench round in messages per second, and its database cost when it was measured. */
  private record PgbenchRound(double rate, Map<String, Object> cost) {}

  private PgbenchRound pgbenchRound(
      TransportKind kind, Ceiling ceiling, Duration duration, boolean cost) throws Exception {
    Workload.truncate(database.admin(), EndToEndService.TABLES.toArray(String[]::new));
    if (kind == TransportKind.POSTGRES) {
      EndToEndScript.preload(database.admin(), ceiling.preload());
    }
    // the output queue's consumer runs for pgbench as it does for Pump
    try (Sink sink =
        Sink.postgres(database.pool("pump-bench-e2e-sink", 1, null), EndToEndService.OUTPUT)) {
      sink.start();
      DbCost measured =
          cost ? DbCost.start(database, EndToEndService.TABLES, Pgbench.APPLICATION) : null;
      CpuUsage cpu = CpuUsage.now();
      Pgbench.Result result =
          pgbench.run(ceiling.files(), ceiling.variables(), ceiling.clients(), duration);
      // messages, not script runs: each inbox row is one message handled (a batch whose count
      // found fewer than it asked for counts what it handled)
      long messages =
          database
              .admin()
              .withHandle(h ->
                  h.createQuery(
                          "SELECT count(*) AS bench_probe FROM " + Database.PUMP_SCHEMA + ".inbox")
                      .mapTo(Long.class)
                      .one());
      double perRun = messages / (double) Math.max(1, result.transactions());
      Map<String, Object> costJson = new LinkedHashMap<>();
      if (measured != null) {
        costJson.put("cpu_percent_of_machine", cpu.since());
        costJson.putAll(measured.end(messages));
        costJson.put("messages_per_pgbench_transaction", DbCost.round(perRun));
      }
      return new PgbenchRound(result.tps() * perRun, costJson);
    }
  }

  // ---- targets -------------------------------------------------------------------------------

  private static List<Target> targets(List<Case> cases) {
    List<Target> targets = new ArrayList<>();
    for (Case c : cases) {
      if (c.baselines().getFirst().system().equals(UNOBSERVED)) {
        targets.add(
            Target.atLeast(
                "end to end with metrics and traces ≥ 0.95× without, "
                    + c.conditions().get("transport"),
                c.ratio(c.baselines().getFirst()),
                0.95));
        continue;
      }
      if (c.baselines().getFirst().system().equals(ONE_ENDPOINT)) {
        targets.add(
            Target.atLeast(
                "end to end: "
                    + c.conditions().get("endpoints")
                    + " competing endpoints ≥ 1.6× one, "
                    + c.conditions().get("transport"),
                c.ratio(c.baselines().getFirst()),
                1.6));
        continue;
      }
      Measured perMessage = c.baselines().get(0);
      Measured batched = c.baselines().get(1);
      if (c.name().equals(TransportKind.POSTGRES.label)) {
        targets.add(
            Target.atLeast(
                "end to end ≥ 3× the per-message ceiling, " + c.name() + caveat(perMessage),
                c.ratio(perMessage),
                3.0));
        targets.add(
            Target.atLeast(
                "end to end ≥ 0.5× the batched ceiling, " + c.name() + caveat(batched),
                c.ratio(batched),
                0.5));
      } else {
        targets.add(
            Target.atLeast(
                "end to end ≥ 1.5× the per-message ceiling, " + c.name() + caveat(perMessage),
                c.ratio(perMessage),
                1.5));
      }
      targets.add(
          Target.atMost(
              "enqueue → handled p99 ≤ 50 ms at half the sustainable rate, " + c.name(),
              p99(c, "enqueue_to_handled"),
              50));
      targets.add(
          Target.atMost(
              "commit → dispatch p99 ≤ 20 ms at half the sustainable rate, " + c.name(),
              p99(c, "commit_to_dispatch"),
              20));
    }
    return targets;
  }

  private static String caveat(Measured ceiling) {
    return Boolean.FALSE.equals(ceiling.details().get("same_sql_as_pump"))
        ? " (pgbench's SQL did NOT match Pump's: see the JSON)"
        : "";
  }

  private static double p99(Case c, String latency) {
    if (c.pump().details().get("latency_at_half_rate") instanceof Map<?, ?> paced
        && paced.get(latency) instanceof Map<?, ?> percentiles
        && percentiles.get("p99_ms") instanceof Number n) {
      return n.doubleValue();
    }
    return Double.NaN;
  }
}
