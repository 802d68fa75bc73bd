package dev.pump.jdbc;

import dev.pump.core.Endpoint;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.jdbc.internal.outbox.OutboxRow;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Not a test: first figures for the closing notes, on embedded PostgreSQL with durable commits and
 * pg_stat_statements. Run with {@code ./mvnw -q -pl pump-outbox-jdbc exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.pump.jdbc.PathMeasurement [-Dexec.args="latency
 * handled drain"]}. The benchmarks module will replace it with side-by-side ratios.
 */
public final class PathMeasurement {
  private PathMeasurement() {}

  public static void main(String[] args) throws Exception {
    List<String> phases = args.length == 0 ? List.of("handled", "drain", "latency") : List.of(args);
    String url = System.getenv("PUMP_MEASURE_JDBC_URL");
    if (url != null) {
      // a real server, e.g. jdbc:postgresql://127.0.0.1:5432/test with pg_stat_statements loaded
      run(
          JdbcStorage.builder()
              .jdbcUrl(url, System.getenv().getOrDefault("PUMP_MEASURE_JDBC_USER", "postgres"), "")
              .schema("pump_measure")
              .build(),
          phases);
      return;
    }
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setServerConfig("max_connections", "100")
            .start()) {
      run(
          JdbcStorage.builder()
              .jdbcUrl(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "")
              .build(),
          phases);
    }
  }

  private static void run(JdbcStorage storage, List<String> phases) throws Exception {
    Jdbi jdbi = storage.jdbi();
    jdbi.useHandle(h -> {
      h.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      h.execute("DROP TABLE IF EXISTS business");
      h.execute("CREATE TABLE business (message_id text NOT NULL)");
      h.execute(
          "TRUNCATE "
              + storage.schema().table("outbox")
              + ", "
              + storage.schema().table("inbox")
              + ", "
              + storage.schema().table("queue_message"));
    });
    System.out.println(
        "PostgreSQL "
            + jdbi.withHandle(h -> h.createQuery("SHOW server_version").mapTo(String.class).one())
            + ", synchronous_commit "
            + jdbi.withHandle(
                h -> h.createQuery("SHOW synchronous_commit").mapTo(String.class).one())
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs");
    if (phases.contains("latency")) {
      latency(storage, 300);
    }
    if (phases.contains("handled")) {
      handledPath(storage, 5_000);
    }
    if (phases.contains("drain")) {
      drain(storage, 100_000, 10);
    }
    if (phases.contains("window")) {
      for (Duration window : List.of(Duration.ZERO, Duration.ofMillis(2), Duration.ofMillis(5))) {
        window(storage, window);
      }
    }
    if (phases.contains("breaker")) {
      breaker(storage, 50_000);
    }
    storage.close();
  }

  /** One handled message: claim, inbox, one business insert, one outbox row, commit. */
  static void handledPath(JdbcStorage storage, int messages) throws Exception {
    try (PostgresTransport transport = PostgresTransport.builder().storage(storage).build()) {
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = 0; i < messages; i++) {
        batch.add(OutgoingMessage.of("in-" + i, UnitOfWorkTest.headers(), UnitOfWorkTest.json(i)));
      }
      transport.send("work", batch);
      resetStatements(storage);
      Endpoint endpoint =
          Endpoint.builder()
              .name("work")
              .transport(transport)
              .storage(storage)
              .concurrency(8)
              .handler(
                  Ping.class,
                  (ping, context) -> {
                    JdbcContext.handle(context)
                        .execute("INSERT INTO business VALUES (?)", context.messageId());
                    context.send("next", new Ping(ping.number()));
                  })
              .build();
      long start = System.nanoTime();
      endpoint.start();
      while (count(storage, "SELECT count(*) FROM business") < messages) {
        Thread.sleep(20);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      endpoint.stop(Duration.ofSeconds(10));
      System.out.printf(
          "handled path: %d messages in %.2f s = %.0f messages/s (concurrency 8)%n",
          messages, seconds, messages / seconds);
      printStatements(storage, messages, "per handled message");
    }
  }

  /** A backlog of pending rows drained to the PostgreSQL queue transport. */
  static void drain(JdbcStorage storage, int rows, int destinations) throws Exception {
    List<OutboxRow> batch = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      batch.add(
          new OutboxRow(
              "drain-" + (i % destinations),
              null,
              "d-" + i,
              UnitOfWorkTest.headers(),
              UnitOfWorkTest.json(i),
              Duration.ZERO,
              null));
      if (batch.size() == 10_000) {
        List<OutboxRow> chunk = batch;
        storage
            .jdbi()
            .useTransaction(h -> storage.runtime().outbox().insert(h, "bench", null, chunk));
        batch = new ArrayList<>();
      }
    }
    storage.jdbi().useHandle(h -> h.execute("VACUUM ANALYZE " + storage.schema().table("outbox")));
    try (PostgresTransport transport = PostgresTransport.builder().storage(storage).build()) {
      resetStatements(storage);
      OutboxDispatcher dispatcher =
          OutboxDispatcher.builder().storage(storage).transport(transport).build();
      long start = System.nanoTime();
      dispatcher.start();
      while (dispatcher.counters().rowsDispatched() < rows) {
        Thread.sleep(20);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      dispatcher.stop(Duration.ofSeconds(10));
      System.out.printf(
          "drain: %d rows to %d destinations in %.2f s = %.0f rows/s; %d transport operations"
              + " (%.3f per row)%n",
          rows,
          destinations,
          seconds,
          rows / seconds,
          dispatcher.counters().batchesSent(),
          dispatcher.counters().batchesSent() / (double) rows);
      printStatements(storage, rows, "per dispatched row (incl. the queue inserts)");
    }
  }

  /**
   * Steady trickle: 8 threads committing one message each in a loop for 3 seconds; how many
   * transport operations the dispatcher needs, with a batch window.
   */
  static void window(JdbcStorage storage, Duration window) throws Exception {
    storage.jdbi().useHandle(h -> h.execute("TRUNCATE " + storage.schema().table("outbox")));
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicLong operations =
        new java.util.concurrent.atomic.AtomicLong();
    Transport counting =
        new Timing(sentAt) {
          @Override
          public void send(String queue, List<OutgoingMessage> messages) {
            operations.incrementAndGet();
            super.send(queue, messages);
          }
        };
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder().storage(storage).transport(counting).batchWindow(window).build();
    dispatcher.start();
    Endpoint web = Endpoint.builder().name("web").transport(counting).build();
    java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      writers.add(
          Thread.ofVirtual()
              .start(() -> {
                while (System.nanoTime() < end) {
                  storage.inTransaction(
                      web,
                      (h, sender) -> {
                        sender.send("steady", new Ping(1));
                        return null;
                      });
                  committed.incrementAndGet();
                }
              }));
    }
    for (Thread writer : writers) {
      writer.join();
    }
    while (sentAt.size() < committed.get()) {
      Thread.sleep(10);
    }
    dispatcher.stop(Duration.ofSeconds(5));
    System.out.printf(
        "batch window %d ms: %d messages committed by 8 writers in 3 s, %d transport operations"
            + " (%.1f messages per operation)%n",
        window.toMillis(),
        committed.get(),
        operations.get(),
        committed.get() / (double) operations.get());
  }

  /**
   * The circuit breaker's worth: healthy destinations drained alone, then again beside a
   * destination that fails every send, side by side in one run.
   */
  static void breaker(JdbcStorage storage, int rows) throws Exception {
    double alone = healthyRate(storage, rows, 0);
    double besideAFailingOne = healthyRate(storage, rows, rows / 10);
    System.out.printf(
        "breaker: healthy destinations drain %.0f rows/s alone, %.0f rows/s beside a failing one"
            + " (ratio %.2f)%n",
        alone, besideAFailingOne, besideAFailingOne / alone);
  }

  private static double healthyRate(JdbcStorage storage, int rows, int failingRows)
      throws Exception {
    storage.jdbi().useHandle(h -> h.execute("TRUNCATE " + storage.schema().table("outbox")));
    List<OutboxRow> batch = new ArrayList<>();
    for (int i = 0; i < rows + failingRows; i++) {
      String destination = i < failingRows ? "bad" : "good-" + (i % 2);
      batch.add(
          new OutboxRow(destination, null, "b-" + i, Map.of(), new byte[64], Duration.ZERO, null));
    }
    // the failing rows first: the worst case, they are claimed ahead of the healthy ones
    storage.jdbi().useTransaction(h -> storage.runtime().outbox().insert(h, "bench", null, batch));
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Transport failingBad =
        new Timing(sentAt) {
          @Override
          public void send(String queue, List<OutgoingMessage> messages) {
            if (queue.equals("bad")) {
              throw new dev.pump.core.spi.TransportException("bad is down");
            }
            super.send(queue, messages);
          }
        };
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder().storage(storage).transport(failingBad).build();
    long start = System.nanoTime();
    dispatcher.start();
    while (sentAt.size() < rows) {
      Thread.sleep(10);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    dispatcher.stop(Duration.ofSeconds(5));
    return rows / seconds;
  }

  /** Commit-to-send latency at light load: one session commit every 20 ms. */
  static void latency(JdbcStorage storage, int commits) throws Exception {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Transport timing = new Timing(sentAt);
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder().storage(storage).transport(timing).build();
    dispatcher.start();
    Endpoint web = Endpoint.builder().name("web").transport(timing).build();
    long[] latencies = new long[commits];
    Map<String, Long> committedAt = new ConcurrentHashMap<>();
    for (int i = 0; i < commits; i++) {
      String id = "lat-" + i;
      storage.inTransaction(
          web,
          (h, sender) -> {
            sender.send(
                "latency", new Ping(1), dev.pump.core.SendOptions.builder().messageId(id).build());
            return null;
          });
      committedAt.put(id, System.nanoTime());
      Thread.sleep(20);
    }
    while (sentAt.size() < commits) {
      Thread.sleep(10);
    }
    dispatcher.stop(Duration.ofSeconds(5));
    for (int i = 0; i < commits; i++) {
      latencies[i] = sentAt.get("lat-" + i) - committedAt.get("lat-" + i);
    }
    Arrays.sort(latencies);
    System.out.printf(
        "commit-to-send at light load (%d commits, 1 every 20 ms): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        commits,
        latencies[commits / 2] / 1e6,
        latencies[(int) (commits * 0.99)] / 1e6,
        latencies[commits - 1] / 1e6);
  }

  private static class Timing implements Transport {
    private final Map<String, Long> sentAt;

    Timing(Map<String, Long> sentAt) {
      this.sentAt = sentAt;
    }

    @Override
    public TransportCapabilities capabilities() {
      return new TransportCapabilities(false, false, true, 1 << 20);
    }

    @Override
    public Optional<ReceivedMessage> receive(String queue, Duration maxWait) {
      return Optional.empty();
    }

    @Override
    public void send(String queue, List<OutgoingMessage> batch) {
      long now = System.nanoTime();
      batch.forEach(m -> sentAt.put(m.messageId(), now));
    }

    @Override
    public void publish(List<String> topics, List<OutgoingMessage> batch) {}

    @Override
    public void subscribe(String topic, String queue) {}

    @Override
    public void unsubscribe(String topic, String queue) {}

    @Override
    public void close() {}
  }

  private static void resetStatements(JdbcStorage storage) {
    if (statementsCounted(storage)) {
      storage
          .jdbi()
          .useHandle(h -> h.createQuery("SELECT pg_stat_statements_reset()").mapToMap().list());
    }
  }

  // A server without pg_stat_statements in shared_preload_libraries still gives rates.
  private static boolean statementsCounted(JdbcStorage storage) {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery(
                    "SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%'")
                .mapTo(Boolean.class)
                .one());
  }

  private static void printStatements(JdbcStorage storage, int units, String what) {
    if (!statementsCounted(storage)) {
      System.out.printf("  statements %s: not counted (no pg_stat_statements)%n", what);
      return;
    }
    List<Map<String, Object>> rows =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query"
                            + " FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"
                            + " AND query NOT LIKE 'SELECT count(*) FROM business%'"
                            + " ORDER BY calls DESC LIMIT 12")
                    .mapToMap()
                    .list());
    long total = rows.stream().mapToLong(r -> ((Number) r.get("calls")).longValue()).sum();
    System.out.printf("  statements %s: %.2f%n", what, total / (double) units);
    for (Map<String, Object> row : rows) {
      System.out.printf(
          "    %8.3f  %s%n",
          ((Number) row.get("calls")).longValue() / (double) units, row.get("query"));
    }
  }

  private static long count(JdbcStorage storage, String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }
}
