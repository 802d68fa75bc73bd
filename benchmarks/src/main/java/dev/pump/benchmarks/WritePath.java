package dev.pump.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.internal.shared.BufferedSender;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.transport.memory.InMemoryTransport;
import dev.pump.jdbc.JdbcStorage;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scenario 1, the write path: an application transaction writes one business row and k outbox
 * messages, at several concurrencies. Pump does it through its transactional session ({@link
 * JdbcStorage#inTransaction}); pgbench runs the identical SQL ({@code BEGIN}, the business insert,
 * Pump's one-statement outbox insert with its {@code pg_notify}, {@code COMMIT}), which is the
 * database's ceiling; gruelbox schedules the same k messages in the same kind of transaction.
 */
final class WritePath {
  static final String NAME = "write-path";
  static final String DESTINATION = "bench-orders";
  static final String ENDPOINT = "bench-web";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Database database;
  private final Plan plan;
  private final Pgbench pgbench;
  private final Path workDirectory;

  WritePath(Database database, Plan plan, Pgbench pgbench, Path workDirectory) {
    this.database = database;
    this.plan = plan;
    this.pgbench = pgbench;
    this.workDirectory = workDirectory;
  }

  Scenario run() throws Exception {
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
          contenders.add(new PumpSession(k, clients));
          boolean pgbenchThere = pgbench.version() != null;
          if (pgbenchThere) {
            contenders.add(new PgbenchScript(k, clients, false));
            if (plan.withoutNotify() && clients >= plan.latencyConcurrency()) {
              // what Pump's earlier design, a pg_notify inside every transaction, would cost
              contenders.add(new PgbenchScript(k, clients, true));
            }
          }
          contenders.add(new GruelboxSchedule(k, clients));
          List<Measured> measured = measure(contenders, k, clients, first);
          for (Measured m : measured) {
            if (m.system().equals("pgbench")) {
              m.details().put("same_sql_as_pump", sameSql(measured.getFirst(), m));
            }
          }
          first = false;
          measured.forEach(WritePath::print);
          List<Measured> baselines = new ArrayList<>(measured.subList(1, measured.size()));
          if (!pgbenchThere) {
            baselines.addFirst(Measured.missing("pgbench", "tx/s", "pgbench not found"));
          }
          Map<String, Object> conditions = new LinkedHashMap<>();
          conditions.put("messages_per_transaction", k);
          conditions.put("concurrency", clients);
          cases.add(
              new Case("k=" + k + " c=" + clients, conditions, measured.getFirst(), baselines));
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

  /** One system of the write path, ready to run rounds. */
  private interface Contender extends AutoCloseable {
    String system();

    /** The application name its server processes carry. */
    String application();

    /** Runs the work in a closed loop for {@code duration}. */
    Load.Run round(Duration duration) throws Exception;

    /** Runs the work paced at {@code rate}, or null if this system is not paced. */
    default Load.Run paced(double rate, Duration duration) {
      return null;
    }

    /** Tables whose row changes the database cost reports. */
    List<String> tables();

    Map<String, Object> describe();

    @Override
    default void close() {}
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

  /** Pump's transactional session. */
  private final class PumpSession implements Contender {
    private final int clients;
    private final HikariDataSource pool;
    private final JdbcStorage storage;
    private final Load.Work work;

    PumpSession(int k, int clients) {
      this.clients = clients;
      this.pool = database.pool("pump-bench-pump", clients, null);
      this.storage =
          JdbcStorage.builder()
              .dataSource(pool)
              .schema(Database.PUMP_SCHEMA)
              .migrate(false)
              .build();
      Endpoint endpoint =
          Endpoint.builder().name(ENDPOINT).transport(InMemoryTransport.create()).build();
      AtomicLong ids = new AtomicLong();
      this.work =
          worker -> {
            long id = ids.incrementAndGet();
            storage.inTransaction(
                endpoint,
                (handle, sender) -> {
                  handle.execute(Workload.BUSINESS_INSERT, id, Workload.PAYLOAD);
                  for (int line = 0; line < k; line++) {
                    sender.send(DESTINATION, new OrderPlaced(id, line, Workload.PAYLOAD));
                  }
                  return null;
                });
          };
    }

    @Override
    public String system() {
      return "pump";
    }

    @Override
    public String application() {
      return "pump-bench-pump";
    }

    @Override
    public Load.Run round(Duration duration) {
      return Load.closedLoop(clients, duration, work);
    }

    @Override
    public Load.Run paced(double rate, Duration duration) {
      return Load.paced(clients, rate, duration, work);
    }

    @Override
    public List<String> tables() {
      return List.of(Workload.BUSINESS_TABLE, Database.PUMP_SCHEMA + ".outbox");
    }

    @Override
    public Map<String, Object> describe() {
      return Map.of("threads", clients + " platform threads, pool of " + clients);
    }

    @Override
    public void close() {
      storage.close(); // its notifier first, then the pool under it
      pool.close();
    }
  }

  /** gruelbox scheduling k calls; the post-commit submit is discarded (write path only). */
  private final class GruelboxSchedule implements Contender {
    private final int clients;
    private final HikariDataSource pool;
    private final Load.Work work;

    GruelboxSchedule(int k, int clients) {
      this.clients = clients;
      this.pool = database.pool("pump-bench-gruelbox", clients, Database.GRUELBOX_SCHEMA);
      Gruelbox.Setup gruelbox = Gruelbox.create(pool, (d, id, b) -> {}, Gruelbox.DISCARD);
      AtomicLong ids = new AtomicLong();
      this.work =
          worker -> {
            long id = ids.incrementAndGet();
            gruelbox
                .transactions()
                .inTransactionThrows(tx -> {
                  try (PreparedStatement insert =
                      tx.connection().prepareStatement(Workload.BUSINESS_INSERT)) {
                    insert.setLong(1, id);
                    insert.setString(2, Workload.PAYLOAD);
                    insert.executeUpdate();
                  }
                  for (int line = 0; line < k; line++) {
                    gruelbox
                        .outbox()
                        .schedule(Gruelbox.Sink.class)
                        .deliver(
                            DESTINATION,
                            UUID.randomUUID().toString(),
                            JSON.writeValueAsString(new OrderPlaced(id, line, Workload.PAYLOAD)));
                  }
                });
          };
    }

    @Override
    public String system() {
      return "gruelbox";
    }

    @Override
    public String application() {
      return "pump-bench-gruelbox";
    }

    @Override
    public Load.Run round(Duration duration) {
      return Load.closedLoop(clients, duration, work);
    }

    @Override
    public Load.Run paced(double rate, Duration duration) {
      return Load.paced(clients, rate, duration, work);
    }

    @Override
    public List<String> tables() {
      return List.of(Workload.BUSINESS_TABLE, Database.GRUELBOX_SCHEMA + ".txno_outbox");
    }

    @Override
    public Map<String, Object> describe() {
      return Map.of(
          "threads",
          clients + " platform threads, pool of " + clients,
          "note",
          "scheduling only: the immediate post-commit run gruelbox would start is discarded");
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /**
   * pgbench running the SQL Pump sends; or, as {@code pgbench-notify-in-tx}, that SQL with {@code
   * pg_notify} inside the transaction, to show what notifying there costs
   * (docs/decisions/2026-12-06-notify-after-commit.md).
   */
  private final class PgbenchScript implements Contender {
    private final String system;
    private final int clients;
    private final List<String> script;
    private final Map<String, String> variables;
    private final Path file;

    PgbenchScript(int k, int clients, boolean notify) throws java.io.IOException {
      this.system = notify ? "pgbench-notify-in-tx" : "pgbench";
      this.clients = clients;
      this.script = script(notify);
      this.variables = variables(k);
      this.file = Pgbench.script(workDirectory, system + "-k" + k + ".sql", script);
    }

    @Override
    public String system() {
      return system;
    }

    @Override
    public String application() {
      return Pgbench.APPLICATION;
    }

    @Override
    public Load.Run round(Duration duration) throws Exception {
      Pgbench.Result result = pgbench.run(file, variables, clients, duration);
      return new Load.Run(result.transactions(), result.transactions() / result.tps(), null);
    }

    @Override
    public List<String> tables() {
      return List.of(Workload.BUSINESS_TABLE, Database.PUMP_SCHEMA + ".outbox");
    }

    @Override
    public Map<String, Object> describe() {
      return Map.of("pgbench", Pgbench.describe(clients, plan.round(), script));
    }
  }

  /**
   * The SQL Pump sends for one session, as a pgbench script: the business insert and the outbox
   * insert of {@code dev.pump.jdbc.internal.outbox.OutboxStore}, its text copied (pgbench's {@code
   * :name} for Jdbi's), the causation id NULL as in a session outside a handler. Copied text can go
   * stale: {@link #sameSql} compares it with what Pump sent in the same run, and the result says
   * so.
   *
   * @param notifyInTransaction the earlier design: the insert wrapped in a CTE that also calls
   *     {@code pg_notify}, so every transaction notifies (and takes the notify lock at commit)
   */
  static List<String> script(boolean notifyInTransaction) {
    String columns =
        " (endpoint, causation_id, kind, destination, topics, message_id, headers, body,"
            + " due_at, ordering_key)"
            + " SELECT :endpoint, NULL, m.kind, m.destination,"
            + " CASE WHEN m.kind = 'publish' THEN string_to_array(m.topics, ',') END,"
            + " m.message_id, m.headers::jsonb, m.body,"
            + " clock_timestamp() + m.delay_ms * interval '1 millisecond', m.ordering_key"
            + " FROM unnest(:kinds::text[], :destinations::text[], :topics::text[],"
            + " :message_ids::text[], :headers::text[], :bodies::bytea[], :delays::bigint[],"
            + " :ordering_keys::text[])"
            + " AS m(kind, destination, topics, message_id, headers, body, delay_ms, ordering_key)";
    String table = "\"" + Database.PUMP_SCHEMA + "\".outbox";
    String outbox =
        notifyInTransaction
            ? "WITH inserted AS (INSERT INTO "
                + table
                + columns
                + " RETURNING 1) SELECT (SELECT count(*) FROM inserted), pg_notify(:channel, '');"
            : "INSERT INTO " + table + columns + ";";
    return List.of(
        "\\set order_id random(1, 1000000000)",
        "BEGIN;",
        "INSERT INTO "
            + Workload.BUSINESS_TABLE
            + " (order_id, payload) VALUES (:order_id, :payload);",
        outbox,
        "COMMIT;");
  }

  /**
   * Whether every statement pgbench ran (BEGIN and COMMIT aside) is one Pump ran too, compared as
   * pg_stat_statements normalises them, with parameter numbers and NULL blurred: false means the
   * copied script no longer matches Pump's SQL, and the ratio to pgbench means little.
   */
  static boolean sameSql(Measured pump, Measured pgbench) {
    return sameSql(pump, pgbench, "db_cost_per_tx");
  }

  /** As {@link #sameSql(Measured, Measured)}, with the database cost under {@code costKey}. */
  @SuppressWarnings("unchecked")
  static boolean sameSql(Measured pump, Measured pgbench, String costKey) {
    java.util.Set<String> pumpSql = new java.util.HashSet<>();
    Map<String, Object> pumpCost = (Map<String, Object>) pump.details().get(costKey);
    Map<String, Object> benchCost = (Map<String, Object>) pgbench.details().get(costKey);
    if (pumpCost == null || benchCost == null || pumpCost.get("statements") == null) {
      return false;
    }
    for (Map<String, Object> statement : (List<Map<String, Object>>) pumpCost.get("statements")) {
      pumpSql.add(normalise((String) statement.get("query")));
    }
    for (Map<String, Object> statement : (List<Map<String, Object>>) benchCost.get("statements")) {
      String query = (String) statement.get("query");
      if (!DbCost.isTransactionControl(query)
          && ((Number) statement.get("calls_per_unit")).doubleValue() >= 0.5
          && !pumpSql.contains(normalise(query))) {
        return false;
      }
    }
    return true;
  }

  private static String normalise(String query) {
    return query
        .replaceAll("'[^']*'", "?")
        .replaceAll("\\$\\d+", "?")
        .replaceAll("\\bNULL\\b", "?")
        .replaceAll("\\b(true|false)\\b", "?")
        // pg_stat_statements keeps the constants of the text it saw first: Pump's literal 1 and
        // pgbench's normalised $3 are the same statement
        .replaceAll("\\b\\d+\\b", "?")
        .strip();
  }

  /**
   * The values of the script's variables: k messages as Pump's session makes them (same headers,
   * same serialized body, same id format), as PostgreSQL array literals.
   */
  static Map<String, String> variables(int k) {
    Endpoint endpoint =
        Endpoint.builder().name(ENDPOINT).transport(InMemoryTransport.create()).build();
    BufferedSender sender = Endpoints.bufferedSender(endpoint);
    for (int line = 0; line < k; line++) {
      sender.send(DESTINATION, new OrderPlaced(123_456_789L, line, Workload.PAYLOAD));
    }
    List<PendingMessage> pending = sender.outgoing().drain();
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("payload", Workload.PAYLOAD);
    variables.put("endpoint", ENDPOINT);
    variables.put("channel", "pump_outbox_" + Database.PUMP_SCHEMA);
    variables.put("kinds", array(pending, p -> "send"));
    variables.put(
        "destinations", array(pending, p -> ((Destination.Queue) p.destination()).name()));
    variables.put("topics", array(pending, p -> null));
    variables.put("message_ids", array(pending, p -> p.message().messageId()));
    variables.put("headers", array(pending, p -> JSON.writeValueAsString(p.message().headers())));
    variables.put(
        "bodies", array(pending, p -> "\\x" + HexFormat.of().formatHex(p.message().body())));
    variables.put("delays", array(pending, p -> "0"));
    variables.put("ordering_keys", array(pending, p -> null));
    return variables;
  }

  private static String array(
      List<PendingMessage> pending, Function<PendingMessage, String> value) {
    StringBuilder literal = new StringBuilder("{");
    for (PendingMessage message : pending) {
      if (literal.length() > 1) {
        literal.append(',');
      }
      String element = value.apply(message);
      if (element == null) {
        literal.append("NULL");
      } else {
        literal.append('"').append(element.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return literal.append('}').toString();
  }

  private static List<Target> targets(List<Case> cases) {
    List<Target> targets = new ArrayList<>();
    for (Case c : cases) {
      if (!c.conditions().get("concurrency").equals(8)) {
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
        } else if (baseline.system().equals("gruelbox")) {
          targets.add(Target.atLeast("Pump ≥ 3× gruelbox, " + c.name(), ratio, 3.0));
        }
      }
    }
    return targets;
  }
}
