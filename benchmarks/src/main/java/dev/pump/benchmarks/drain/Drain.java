package dev.pump.benchmarks.drain;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.benchmarks.report.Target;
import dev.pump.jdbc.OutboxDispatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dispatcher's drain ({@code drain}): a backlog of pending outbox rows across 1, 10 and 100
 * destinations, relayed to the PostgreSQL queue transport, to RabbitMQ and to Kafka. Pump's {@link
 * OutboxDispatcher} (claim 1000, batches of 100 per destination, one mark per cycle) against a
 * naive loop (one claim, one send, one mark per row, in one transaction per row, on the same outbox
 * table) and gruelbox's flush of the same backlog in its own table. All three run on one thread.
 */
public final class Drain {
  public static final String NAME = "drain";

  private final Plan plan;
  private final String rabbitUri;
  private final String kafkaBootstrap;
  private final DrainSetup setup;

  /**
   * @param rabbitUri RabbitMQ, or null to leave it out
   * @param kafkaBootstrap Kafka's bootstrap servers, or null to leave it out
   */
  public Drain(Database database, Plan plan, String rabbitUri, String kafkaBootstrap) {
    this.plan = plan;
    this.rabbitUri = rabbitUri;
    this.kafkaBootstrap = kafkaBootstrap;
    this.setup = new DrainSetup(database, rabbitUri, kafkaBootstrap);
  }

  public Scenario run() throws Exception {
    List<Case> cases = new ArrayList<>();
    List<TransportKind> kinds = new ArrayList<>(List.of(TransportKind.POSTGRES));
    if (rabbitUri != null) {
      kinds.add(TransportKind.RABBITMQ);
    }
    if (kafkaBootstrap != null) {
      kinds.add(TransportKind.KAFKA);
    }
    for (TransportKind kind : kinds) {
      for (int destinations : plan.destinations()) {
        System.out.printf("%s: %s, %d destinations%n", NAME, kind.label, destinations);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < destinations; i++) {
          // Kafka deletes a topic in the background: a case's names are its own there
          names.add(
              kind == TransportKind.KAFKA
                  ? "pump-bench-drain-d" + destinations + "-" + i
                  : "pump-bench-drain-" + i);
        }
        setup.createQueues(kind, names);
        try {
          List<Measured> measured =
              measure(
                  kind,
                  names,
                  List.of(
                      new Contender("pump", plan.backlog(), new PumpDrain(setup)::drain),
                      new Contender("naive", plan.baselineBacklog(), new NaiveDrain(setup)::drain),
                      new Contender(
                          "gruelbox", plan.baselineBacklog(), new GruelboxDrain(setup)::drain)));
          measured.forEach(Drain::print);
          Measured pump = measured.get(0);
          Measured naive = measured.get(1);
          Measured gruelbox = measured.get(2);
          Map<String, Object> conditions = new LinkedHashMap<>();
          conditions.put("transport", kind.label);
          conditions.put("destinations", destinations);
          conditions.put("pump_backlog_rows", plan.backlog());
          conditions.put("baseline_backlog_rows", plan.baselineBacklog());
          conditions.put("max_batch_messages", OutboxDispatcher.DEFAULT_MAX_BATCH_MESSAGES);
          conditions.put("claim_size", OutboxDispatcher.DEFAULT_CLAIM_SIZE);
          conditions.put("concurrency", 1);
          cases.add(
              new Case(
                  kind.label + " d=" + destinations, conditions, pump, List.of(naive, gruelbox)));
        } finally {
          setup.deleteQueues(kind, names);
        }
      }
    }
    return new Scenario(
        NAME,
        "Dispatcher drain: a backlog of pending rows relayed to the transport",
        cases,
        targets(cases, rabbitUri != null));
  }

  private static void print(Measured measured) {
    System.out.printf(
        "  %-10s %.0f %s (spread %.0f%%), %s statements/row, %s transport operations/row%n",
        measured.system(),
        measured.median(),
        measured.unit(),
        measured.spreadPercent(),
        ((Map<?, ?>) measured.details().get("db_cost_per_row")).get("statements_per_unit"),
        measured.details().get("transport_operations_per_row"));
  }

  @FunctionalInterface
  private interface Round {
    /** Drains {@code rows} rows and returns the elapsed seconds; fills {@code details}. */
    double drain(TransportKind kind, List<String> names, int rows, Map<String, Object> details)
        throws Exception;
  }

  private record Contender(String name, int rows, Round round) {}

  /**
   * A warm-up drain of each system, then the measured rounds interleaved: the systems take turns,
   * in an order that rotates each round, so a change in the machine's other load hits all alike.
   */
  private List<Measured> measure(TransportKind kind, List<String> names, List<Contender> systems)
      throws Exception {
    for (Contender system : systems) {
      int warmUpRows = Math.max(100, Math.min(system.rows() / 10, 2_000));
      system.round().drain(kind, names, warmUpRows, new LinkedHashMap<>());
    }
    int n = systems.size();
    List<List<Double>> rates = new ArrayList<>();
    List<Map<String, Object>> details = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rates.add(new ArrayList<>());
      details.add(new LinkedHashMap<>());
    }
    for (int round = 0; round < plan.rounds(); round++) {
      for (int turn = 0; turn < n; turn++) {
        int i = (turn + round) % n;
        Contender system = systems.get(i);
        double seconds = system.round().drain(kind, names, system.rows(), details.get(i));
        rates.get(i).add(system.rows() / seconds);
      }
    }
    List<Measured> measured = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      details.get(i).put("note", "database cost and operations are those of the last round");
      measured.add(new Measured(systems.get(i).name(), "rows/s", rates.get(i), details.get(i)));
    }
    return measured;
  }

  private static List<Target> targets(List<Case> cases, boolean rabbit) {
    List<Target> targets = new ArrayList<>();
    String kind = rabbit ? "rabbitmq" : "postgres";
    for (Case c : cases) {
      if (c.conditions().get("transport").equals(TransportKind.KAFKA.label)
          && c.conditions().get("destinations").equals(1)) {
        // one acks=all round trip per message is what batching saves on Kafka (issue 21)
        targets.add(
            Target.atLeast(
                "Pump ≥ 20× the naive loop, " + c.name(), c.ratio(c.baselines().getFirst()), 20));
      }
      if (!c.conditions().get("transport").equals(kind)) {
        continue;
      }
      Measured naive = c.baselines().getFirst();
      targets.add(Target.atLeast("Pump ≥ 10× the naive loop, " + c.name(), c.ratio(naive), 10));
      Object statements =
          ((Map<?, ?>) c.pump().details().get("db_cost_per_row")).get("statements_per_unit");
      targets.add(
          Target.atMost(
              "Pump ≤ 0.05 statements per row, " + c.name(),
              statements instanceof Number n ? n.doubleValue() : Double.NaN,
              0.05));
    }
    return targets;
  }
}
