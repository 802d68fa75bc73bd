package dev.pump.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.transport.memory.InMemoryTransport;
import dev.pump.jdbc.DispatcherCounters;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scenario 2, the dispatcher's drain: a backlog of pending outbox rows across 1, 10 and 100
 * destinations, relayed to the PostgreSQL queue transport and to RabbitMQ. Pump's {@link
 * OutboxDispatcher} (claim 1000, batches of 100 per destination, one mark per cycle) against a
 * naive loop (one claim, one send, one mark per row, in one transaction per row, on the same outbox
 * table) and gruelbox's flush of the same backlog in its own table. All three run on one thread.
 */
final class Drain {
  static final String NAME = "drain";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
  private static final Duration LIMIT = Duration.ofMinutes(5);
  private static final String OUTBOX = Database.PUMP_SCHEMA + ".outbox";
  private static final String QUEUE = Database.PUMP_SCHEMA + ".queue_message";
  private static final String GRUELBOX = Database.GRUELBOX_SCHEMA + ".txno_outbox";

  /** Where the drained messages go. */
  enum Kind {
    POSTGRES("postgres"),
    RABBITMQ("rabbitmq");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private final Database database;
  private final Plan plan;
  private final String rabbitUri;

  /**
   * @param rabbitUri the broker, or null to run the PostgreSQL queue transport only
   */
  Drain(Database database, Plan plan, String rabbitUri) {
    this.database = database;
    this.plan = plan;
    this.rabbitUri = rabbitUri;
  }

  Scenario run() throws Exception {
    List<Case> cases = new ArrayList<>();
    List<Kind> kinds = rabbitUri == null ? List.of(Kind.POSTGRES) : List.of(Kind.values());
    for (Kind kind : kinds) {
      for (int destinations : plan.destinations()) {
        System.out.printf("%s: %s, %d destinations%n", NAME, kind.label, destinations);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < destinations; i++) {
          names.add("pump-bench-drain-" + i);
        }
        createQueues(kind, names);
        try {
          List<Measured> measured =
              measure(
                  kind,
                  names,
                  List.of(
                      new Contender("pump", plan.backlog(), this::pumpRound),
                      new Contender("naive", plan.baselineBacklog(), this::naiveRound),
                      new Contender("gruelbox", plan.baselineBacklog(), this::gruelboxRound)));
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
          deleteQueues(kind, names);
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
    double drain(Kind kind, List<String> names, int rows, Map<String, Object> details)
        throws Exception;
  }

  private record Contender(String name, int rows, Round round) {}

  /**
   * A warm-up drain of each system, then the measured rounds interleaved: the systems take turns,
   * in an order that rotates each round, so a change in the machine's other load hits all alike.
   */
  private List<Measured> measure(Kind kind, List<String> names, List<Contender> systems)
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

  // ---- Pump ----------------------------------------------------------------------------------

  private double pumpRound(Kind kind, List<String> names, int rows, Map<String, Object> details)
      throws Exception {
    reset(kind, names);
    fillPumpOutbox(names, rows);
    String app = "pump-bench-dispatcher";
    HikariDataSource pool = database.pool(app, 4, null);
    try {
      JdbcStorage storage =
          JdbcStorage.builder()
              .dataSource(pool)
              .schema(Database.PUMP_SCHEMA)
              .migrate(false)
              .build();
      Transport transport = open(kind, storage);
      OutboxDispatcher dispatcher =
          OutboxDispatcher.builder().storage(storage).transport(transport).build();
      DbCost cost = DbCost.start(database, List.of(OUTBOX, QUEUE), app);
      long start = System.nanoTime();
      dispatcher.start();
      DispatcherCounters counters = dispatcher.counters();
      long deadline = start + LIMIT.toNanos();
      while (counters.rowsDispatched() < rows) {
        check(deadline, "Pump's dispatcher", counters.rowsDispatched(), rows);
        Database.sleep(1);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      dispatcher.stop(Duration.ofSeconds(10));
      transport.close();
      storage.close(); // its notifier first, then the pool under it
      pool.close();
      database.awaitGone(app);
      details.put("db_cost_per_row", cost.end(rows));
      details.put(
          "transport_operations_per_row",
          DbCost.round(counters.batchesSent() / (double) counters.rowsDispatched()));
      details.put("dispatch_cycles", counters.cycles());
      details.put("batches_failed", counters.batchesFailed());
      return seconds;
    } finally {
      pool.close();
    }
  }

  /**
   * Writes {@code rows} pending rows, round-robin over the destinations: one row per destination
   * through Pump's session, then copied in SQL ({@link Backlogs}), which is much faster than
   * writing them all through the session and gives the same rows.
   */
  private void fillPumpOutbox(List<String> names, int rows) {
    String app = "pump-bench-fill";
    try (HikariDataSource pool = database.pool(app, 1, null)) {
      JdbcStorage storage =
          JdbcStorage.builder()
              .dataSource(pool)
              .schema(Database.PUMP_SCHEMA)
              .migrate(false)
              .build();
      Endpoint endpoint =
          Endpoint.builder().name("bench-fill").transport(InMemoryTransport.create()).build();
      storage.inTransaction(
          endpoint,
          (handle, sender) -> {
            for (int i = 0; i < names.size(); i++) {
              sender.send(names.get(i), new OrderPlaced(i, 0, Workload.PAYLOAD));
            }
            return null;
          });
      storage.close();
    }
    database.awaitGone(app);
    Backlogs.multiplyOutbox(database.admin(), rows, "fill-");
    database.admin().useHandle(h -> h.execute("VACUUM ANALYZE " + OUTBOX));
  }

  // ---- the naive loop ------------------------------------------------------------------------

  private record Row(long id, String destination, String messageId, String headers, byte[] body) {}

  private double naiveRound(Kind kind, List<String> names, int rows, Map<String, Object> details)
      throws Exception {
    reset(kind, names);
    fillPumpOutbox(names, rows);
    String app = "pump-bench-naive";
    String transportApp = "pump-bench-naive-transport";
    HikariDataSource pool = database.pool(app, 1, null);
    HikariDataSource transportPool = database.pool(transportApp, 2, null);
    try {
      Jdbi jdbi = Jdbi.create(pool);
      JdbcStorage transportStorage =
          JdbcStorage.builder()
              .dataSource(transportPool)
              .schema(Database.PUMP_SCHEMA)
              .migrate(false)
              .build();
      Transport transport = open(kind, transportStorage);
      String claim =
          "SELECT id, destination, message_id, headers::text AS headers, body FROM "
              + OUTBOX
              + " WHERE dispatched_at IS NULL AND parked_at IS NULL AND due_at <= now()"
              + " ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
      String mark = "UPDATE " + OUTBOX + " SET dispatched_at = now() WHERE id = ?";
      DbCost cost = DbCost.start(database, List.of(OUTBOX, QUEUE), app);
      long start = System.nanoTime();
      long deadline = start + LIMIT.toNanos();
      long sent = 0;
      while (true) {
        boolean more =
            jdbi.inTransaction(h -> {
              Optional<Row> row =
                  h.createQuery(claim)
                      .map((rs, ctx) ->
                          new Row(
                              rs.getLong("id"),
                              rs.getString("destination"),
                              rs.getString("message_id"),
                              rs.getString("headers"),
                              rs.getBytes("body")))
                      .findOne();
              if (row.isEmpty()) {
                return false;
              }
              Row r = row.get();
              transport.send(
                  r.destination(),
                  List.of(
                      OutgoingMessage.of(
                          r.messageId(), JSON.readValue(r.headers(), HEADERS), r.body())));
              h.execute(mark, r.id());
              return true;
            });
        if (!more) {
          break;
        }
        sent++;
        check(deadline, "the naive loop", sent, rows);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (sent != rows) {
        throw new IllegalStateException("the naive loop sent " + sent + " of " + rows + " rows");
      }
      transport.close();
      transportStorage.close();
      pool.close();
      transportPool.close();
      database.awaitGone(app);
      database.awaitGone(transportApp);
      details.put("db_cost_per_row", cost.end(rows));
      details.put("transport_operations_per_row", 1.0);
      return seconds;
    } finally {
      pool.close();
      transportPool.close();
    }
  }

  // ---- gruelbox ------------------------------------------------------------------------------

  private double gruelboxRound(Kind kind, List<String> names, int rows, Map<String, Object> details)
      throws Exception {
    reset(kind, names);
    Workload.truncate(database.admin(), GRUELBOX);
    fillGruelbox(names, rows);
    String app = "pump-bench-gruelbox-flush";
    String transportApp = "pump-bench-gruelbox-transport";
    HikariDataSource pool = database.pool(app, 3, Database.GRUELBOX_SCHEMA);
    HikariDataSource transportPool = database.pool(transportApp, 2, null);
    // one worker thread, as Pump's dispatcher and the naive loop have
    ThreadPoolExecutor worker =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    try {
      JdbcStorage transportStorage =
          JdbcStorage.builder()
              .dataSource(transportPool)
              .schema(Database.PUMP_SCHEMA)
              .migrate(false)
              .build();
      Transport transport = open(kind, transportStorage);
      AtomicLong delivered = new AtomicLong();
      Gruelbox.Sink sink =
          (destination, messageId, body) -> {
            transport.send(
                destination,
                List.of(
                    OutgoingMessage.of(
                        messageId, Workload.PLAIN_HEADERS, body.getBytes(StandardCharsets.UTF_8))));
            delivered.incrementAndGet();
          };
      Gruelbox.Setup gruelbox = Gruelbox.create(pool, sink, worker);
      DbCost cost = DbCost.start(database, List.of(GRUELBOX, QUEUE), app);
      long start = System.nanoTime();
      long deadline = start + LIMIT.toNanos();
      while (delivered.get() < rows) {
        if (!gruelbox.outbox().flush()) {
          Database.sleep(1);
        }
        // as a scheduled flush would: the next flush after the submitted calls have run, so
        // empty flushes do not add their statements to gruelbox's cost
        while (delivered.get() < rows
            && (worker.getActiveCount() > 0 || !worker.getQueue().isEmpty())) {
          check(deadline, "gruelbox", delivered.get(), rows);
          Database.sleep(1);
        }
        check(deadline, "gruelbox", delivered.get(), rows);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      worker.shutdown();
      if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gruelbox's worker did not finish");
      }
      transport.close();
      transportStorage.close();
      pool.close();
      transportPool.close();
      database.awaitGone(app);
      database.awaitGone(transportApp);
      details.put("db_cost_per_row", cost.end(rows));
      details.put("transport_operations_per_row", 1.0);
      details.put("threads", "flush on the caller, invocations on 1 executor thread");
      return seconds;
    } finally {
      worker.shutdownNow();
      pool.close();
      transportPool.close();
    }
  }

  /** Schedules {@code rows} calls through gruelbox (500 per transaction), due at once. */
  private void fillGruelbox(List<String> names, int rows) throws Exception {
    String app = "pump-bench-gruelbox-fill";
    try (HikariDataSource pool = database.pool(app, 1, Database.GRUELBOX_SCHEMA)) {
      Gruelbox.Setup gruelbox = Gruelbox.create(pool, (d, id, b) -> {}, Gruelbox.DISCARD);
      for (int from = 0; from < rows; from += 500) {
        int first = from;
        int last = Math.min(rows, from + 500);
        gruelbox
            .transactions()
            .inTransactionThrows(tx -> {
              for (int i = first; i < last; i++) {
                gruelbox
                    .outbox()
                    .schedule(Gruelbox.Sink.class)
                    .deliver(
                        names.get(i % names.size()),
                        UUID.randomUUID().toString(),
                        JSON.writeValueAsString(new OrderPlaced(i, 0, Workload.PAYLOAD)));
              }
            });
      }
    }
    database.awaitGone(app);
    // gruelbox makes a new row due only after its attempt frequency (it expects the post-commit
    // submit to run it first); the backlog of a stopped or failed application is due at once
    database
        .admin()
        .useHandle(h -> {
          h.execute("UPDATE " + GRUELBOX + " SET nextAttemptTime = now() - interval '1 minute'");
          h.execute("VACUUM ANALYZE " + GRUELBOX);
        });
  }

  // ---- transports ----------------------------------------------------------------------------

  private Transport open(Kind kind, JdbcStorage storage) {
    return switch (kind) {
      case POSTGRES -> PostgresTransport.builder().storage(storage).build();
      case RABBITMQ ->
          RabbitMqTransport.builder().uri(rabbitUri).connectionName("pump-bench").build();
    };
  }

  private void reset(Kind kind, List<String> names) throws Exception {
    Workload.truncate(database.admin(), OUTBOX, QUEUE);
    if (kind == Kind.RABBITMQ) {
      withChannel(channel -> {
        for (String name : names) {
          channel.queuePurge(name);
        }
      });
    }
  }

  private void createQueues(Kind kind, List<String> names) throws Exception {
    if (kind == Kind.RABBITMQ) {
      try (Transport transport = open(kind, null)) {
        names.forEach(transport::createQueue);
      }
    }
  }

  private void deleteQueues(Kind kind, List<String> names) throws Exception {
    if (kind == Kind.RABBITMQ) {
      withChannel(channel -> {
        for (String name : names) {
          channel.queueDelete(name);
        }
      });
    }
  }

  private void withChannel(Broker.ChannelWork work) throws Exception {
    Broker.withChannel(rabbitUri, work);
  }

  private static void check(long deadline, String who, long done, long rows) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(
          who + " drained " + done + " of " + rows + " rows in " + LIMIT + "; giving up");
    }
  }

  private static List<Target> targets(List<Case> cases, boolean rabbit) {
    List<Target> targets = new ArrayList<>();
    String kind = rabbit ? "rabbitmq" : "postgres";
    for (Case c : cases) {
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
