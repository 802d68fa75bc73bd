package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.PumpConfigurationException;
import dev.pump.jdbc.internal.outbox.OutboxRow;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dispatcher on a real outbox, sending to a scripted transport. */
@ExtendWith(PostgresExtension.class)
class OutboxDispatcherTest {
  static JdbcStorage storage;
  static final List<String> statements = new CopyOnWriteArrayList<>();
  ScriptedTransport transport;
  final List<OutboxDispatcher> dispatchers = new ArrayList<>();

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    storage
        .jdbi()
        .setSqlLogger(
            new SqlLogger() {
              @Override
              public void logAfterExecution(StatementContext context) {
                statements.add(context.getRawSql());
              }
            });
  }

  @BeforeEach
  void empty() {
    storage.jdbi().useHandle(h -> h.execute("TRUNCATE pump.outbox, pump.inbox, pump.redelivery"));
    transport = new ScriptedTransport();
    statements.clear();
  }

  @AfterEach
  void stop() {
    dispatchers.forEach(d -> d.stop(Duration.ofSeconds(5)));
  }

  private OutboxDispatcher start(OutboxDispatcher.Builder builder) {
    OutboxDispatcher dispatcher = builder.build();
    dispatchers.add(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  private OutboxDispatcher.Builder dispatcher() {
    return OutboxDispatcher.builder()
        .storage(storage)
        .transport(transport)
        .pollInterval(Duration.ofMillis(50))
        .retryBackoff(Duration.ofMillis(20))
        .maxRetryBackoff(Duration.ofMillis(100));
  }

  @Test
  void rowsAreSentInBatchesOfAtMostTheMessageLimitPerDestination() {
    write("a", 250, 10);
    write("b", 30, 10);
    start(dispatcher());

    await().until(() -> transport.sentIds().size() == 280);
    assertThat(transport.shapes("a")).containsExactly(100, 100, 50);
    assertThat(transport.shapes("b")).containsExactly(30);
  }

  @Test
  void aStopRelaysWhatIsDueBeforeTheDispatcherEnds() {
    OutboxDispatcher dispatcher = start(dispatcher().pollInterval(Duration.ofMinutes(10)));
    write("probe", 1, 10);
    dispatcher.wake();
    await().until(() -> transport.sentIds().size() == 1); // now it waits for the next wake-up
    // rows committed without a wake-up: only the 10-minute poll would find them
    write("late", 150, 10);

    dispatcher.stop(Duration.ofSeconds(30));

    assertThat(transport.sentIds()).hasSize(151);
    assertThat(storage.operations().outboxBacklog()).isEmpty();
  }

  @Test
  void batchesStayWithinTheByteLimitAndAnOversizedMessageGoesAlone() {
    write("bytes", 5, 100 * 1024); // 100 KiB each: two fit in 256 KiB, three do not
    write("big", 1, 10);
    write("big", 1, 300 * 1024);
    write("big", 1, 10);
    start(dispatcher());

    await().until(() -> transport.sentIds().size() == 8);
    assertThat(transport.shapes("bytes")).containsExactly(2, 2, 1);
    assertThat(transport.shapes("big")).containsExactly(1, 1, 1);
  }

  @Test
  void everySentRowIsMarkedWithOneStatementPerCycle() {
    write("a", 300, 10);
    write("b", 300, 10);
    write("c", 300, 10);
    OutboxDispatcher dispatcher = start(dispatcher());

    await().until(() -> pending() == 0);
    // all 900 rows fit one claim: nine batches, one marking statement
    long marks = statements.stream().filter(s -> s.contains("SET dispatched_at = now()")).count();
    assertThat(marks).isEqualTo(1);
    assertThat(dispatcher.counters().rowsDispatched()).isEqualTo(900);
    assertThat(dispatcher.counters().batchesSent()).isEqualTo(9);
    assertThat(dispatcher.counters().operationsSaved()).isEqualTo(891);
  }

  @Test
  void aFailingDestinationBacksOffAloneWhileTheOthersAreDeliveredInFull() {
    transport.failing.add("bad");
    write("bad", 50, 10);
    write("good1", 500, 10);
    write("good2", 500, 10);
    start(dispatcher().maxAttempts(1000).circuitBreakerThreshold(3));

    await().until(() -> transport.shapes("good1").stream().mapToInt(i -> i).sum() == 500);
    await().until(() -> transport.shapes("good2").stream().mapToInt(i -> i).sum() == 500);
    await()
        .until(() -> count("SELECT min(attempts) FROM pump.outbox WHERE destination = 'bad'") >= 1);
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'bad'"
                    + " AND last_error LIKE '%bad is unreachable%' AND dispatched_at IS NULL"))
        .isEqualTo(50);
  }

  @Test
  void healthShowsThePausedDestinationsAndTheOldestPendingRow() {
    transport.failing.add("down");
    write("down", 5, 10);
    write("up", 5, 10);
    OutboxDispatcher dispatcher =
        dispatcher()
            .maxAttempts(1000)
            .circuitBreakerThreshold(2)
            .circuitBreakerPause(Duration.ofMillis(200))
            .build();
    assertThat(dispatcher.health().running()).isFalse();
    dispatchers.add(dispatcher);
    dispatcher.start();

    await().until(() -> dispatcher.health().pausedDestinations().containsKey("down"));
    DispatcherHealth health = dispatcher.health();
    assertThat(health.pausedDestinations()).containsOnlyKeys("down");
    assertThat(health.healthy()).isFalse();
    assertThat(health.running()).isTrue();
    assertThat(health.oldestPending()).isPositive();

    transport.failing.remove("down");
    storage.operations().requeueAllParked();
    await().until(() -> pending() == 0);
    await().until(() -> dispatcher.health().pausedDestinations().isEmpty());
    assertThat(dispatcher.health().oldestPending()).isZero();
    assertThat(dispatcher.health().healthy()).isTrue();
  }

  @Test
  void aRowThatFailsItsLastAttemptIsParkedWithItsErrorAndCanBeRequeued() {
    transport.failing.add("flaky");
    write("flaky", 3, 10);
    write("other", 2, 10);
    OutboxDispatcher dispatcher = start(dispatcher().maxAttempts(2).circuitBreakerThreshold(100));

    await().until(() -> count("SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL") == 3);
    List<PumpOperations.Parked> parked = storage.operations().parked(10);
    assertThat(parked).hasSize(3);
    assertThat(parked)
        .allSatisfy(p -> {
          assertThat(p.destination()).isEqualTo("flaky");
          assertThat(p.attempts()).isEqualTo(2);
          assertThat(p.lastError()).contains("flaky is unreachable");
        });
    assertThat(dispatcher.counters().rowsParked()).isEqualTo(3);
    assertThat(transport.shapes("flaky")).isEmpty();

    transport.failing.clear();
    assertThat(storage.operations().requeueParked(parked.getFirst().id())).isEqualTo(1);
    await().until(() -> transport.shapes("flaky").stream().mapToInt(i -> i).sum() == 1);
    assertThat(storage.operations().requeueParked("flaky")).isEqualTo(2);
    await().until(() -> transport.shapes("flaky").stream().mapToInt(i -> i).sum() == 3);
    assertThat(storage.operations().requeueAllParked()).isZero();
  }

  @Test
  void anOutageOfTheTransportOfAnyLengthParksNothingAndEverythingGoesOnceItIsBack() {
    transport.unavailable.add("down");
    write("down", 3, 10);
    write("other", 2, 10);
    OutboxDispatcher dispatcher = start(dispatcher().maxAttempts(2).circuitBreakerThreshold(100));

    // far more failed tries than maxAttempts, none of them held against the rows
    await().until(() -> dispatcher.counters().batchesFailed() >= 10);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL")).isZero();
    assertThat(count("SELECT max(attempts) FROM pump.outbox WHERE destination = 'down'")).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'down'"
                    + " AND last_error LIKE '%no connection to the broker of down%'"))
        .isEqualTo(3);
    assertThat(transport.shapes("other").stream().mapToInt(i -> i).sum()).isEqualTo(2);

    transport.unavailable.clear();
    await().until(() -> transport.shapes("down").stream().mapToInt(i -> i).sum() == 3);
    assertThat(dispatcher.counters().rowsParked()).isZero();
  }

  @Test
  void twoDispatchersOnOneOutboxSendEachOfTwentyThousandRowsOnce() {
    for (String destination : List.of("d1", "d2", "d3", "d4")) {
      write(destination, 5_000, 10);
    }
    start(dispatcher().claimSize(500));
    start(dispatcher().claimSize(500));

    await().atMost(Duration.ofMinutes(2)).until(() -> pending() == 0);
    List<String> sent = transport.sentIds();
    assertThat(sent).hasSize(20_000);
    assertThat(new HashSet<>(sent)).hasSize(20_000);
    assertThat(dispatchers.get(0).counters().rowsDispatched()).isPositive();
    assertThat(dispatchers.get(1).counters().rowsDispatched()).isPositive();
  }

  @Test
  void rowsOfOneOrderingKeyGoOutInOrderOneBatchAtATimeEvenAcrossDispatchersAndRetries() {
    List<OutboxRow> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      for (String key : List.of("k1", "k2", "k3")) {
        rows.add(
            new OutboxRow("keyed", null, key + "-" + i, Map.of(), new byte[1], Duration.ZERO, key));
      }
    }
    storage.jdbi().useTransaction(h -> storage.runtime().outbox().insert(h, "tests", null, rows));
    transport.failOnceIds.add("k1-5"); // k1's later rows must wait for its retry
    Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight =
        new java.util.concurrent.ConcurrentHashMap<>();
    List<String> overlaps = new CopyOnWriteArrayList<>();
    transport.duringSend =
        destination -> {
          // a slow network: gives a second dispatcher every chance to overlap
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    transport.beforeEachBatch =
        ids ->
            ids.stream()
                .map(id -> id.substring(0, 2))
                .distinct()
                .forEach(key -> {
                  if (inFlight
                          .computeIfAbsent(
                              key, k -> new java.util.concurrent.atomic.AtomicInteger())
                          .incrementAndGet()
                      > 1) {
                    overlaps.add(key);
                  }
                });
    transport.afterEachBatch =
        ids ->
            ids.stream()
                .map(id -> id.substring(0, 2))
                .distinct()
                .forEach(key -> inFlight.get(key).decrementAndGet());
    start(dispatcher().claimSize(20).maxBatchMessages(5));
    start(dispatcher().claimSize(20).maxBatchMessages(5));

    await().atMost(Duration.ofMinutes(1)).until(() -> transport.sentIds().size() == 180);
    assertThat(overlaps).isEmpty();
    for (String key : List.of("k1", "k2", "k3")) {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        expected.add(key + "-" + i);
      }
      assertThat(transport.sentIds().stream().filter(id -> id.startsWith(key)).toList())
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aRowNoTransportCanTakeIsParkedAloneAndItsDestinationGoesOn() {
    write("mixed", 3, 10);
    write("mixed", 1, 2 * 1024 * 1024); // over the transport's 1 MiB maximum below
    write("mixed", 3, 10);
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "UPDATE pump.outbox SET headers = '{\"n\": 1}' WHERE message_id = (SELECT min(message_id) FROM pump.outbox)"));
    transport.maxMessageBytes = 1024 * 1024;
    start(dispatcher());

    await().until(() -> transport.sentIds().size() == 5);
    await().until(() -> count("SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL") == 2);
    assertThat(
            storage.operations().parked(10).stream().map(PumpOperations.Parked::lastError).toList())
        .anySatisfy(e -> assertThat(e).contains("more than the transport's maximum"))
        .anySatisfy(e -> assertThat(e).contains("unreadable headers"));
    assertThat(
            count("SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL AND attempts = 1"))
        .isEqualTo(2);
  }

  @Test
  void aDelayedRowIsSentOnlyOnceItIsDue() {
    storage
        .jdbi()
        .useTransaction(h ->
            storage
                .runtime()
                .outbox()
                .insert(
                    h,
                    "tests",
                    null,
                    List.of(
                        new OutboxRow(
                            "later",
                            null,
                            "m-later",
                            Map.of(),
                            new byte[1],
                            Duration.ofMillis(700),
                            null))));
    start(dispatcher());

    await().atMost(Duration.ofSeconds(10)).until(() -> transport.sentIds().contains("m-later"));
    java.time.Instant due =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery("SELECT due_at FROM pump.outbox WHERE message_id = 'm-later'")
                    .mapTo(java.time.OffsetDateTime.class)
                    .one())
            .toInstant();
    assertThat(transport.batches.getFirst().at()).isAfterOrEqualTo(due);
  }

  @Test
  void aRowDueLongBeforeWhatTheLastCycleFoundIsStillSent() {
    start(dispatcher());
    write("early", 1, 10);
    await().until(() -> transport.sentIds().size() == 1);
    // committed now, due an hour ago: behind where the next claims start, as a row left by a
    // rollback, a paused destination or a transaction slower than the claim's overlap
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.outbox (endpoint, kind, destination, message_id, headers, body,"
                    + " due_at) VALUES ('tests', 'send', 'early', 'm-behind', '{}', '\\x00',"
                    + " now() - interval '1 hour')"));
    write("early", 1, 10);

    await().atMost(Duration.ofSeconds(10)).until(() -> transport.sentIds().size() == 3);
    assertThat(pending()).isZero();
  }

  @Test
  void aRetryHorizonLongerThanTheInboxRetentionIsRefused() {
    assertThatThrownBy(() ->
            OutboxDispatcher.builder()
                .storage(storage)
                .transport(transport)
                .maxAttempts(100)
                .maxRetryBackoff(Duration.ofDays(1))
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("longer than storage.inboxRetention PT168H");
  }

  @Test
  void invalidSettingsAreAllNamedAtOnce() {
    assertThatThrownBy(() ->
            OutboxDispatcher.builder()
                .maxBatchMessages(0)
                .maxBatchBytes(10)
                .pollInterval(Duration.ZERO)
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("dispatcher.storage must be set")
        .hasMessageContaining("dispatcher.transport must be set")
        .hasMessageContaining("dispatcher.maxBatchMessages must be between 1 and 10000, was 0")
        .hasMessageContaining("dispatcher.maxBatchBytes must be between 1024 and 67108864, was 10")
        .hasMessageContaining("dispatcher.pollInterval");
  }

  @Test
  void theCleanerPurgesOnlyRowsOlderThanTheirWindowAndNeverParkedOnes() {
    write("old", 3, 10);
    write("recent", 2, 10);
    write("parked", 1, 10);
    storage
        .jdbi()
        .useHandle(h -> {
          h.execute(
              "UPDATE pump.outbox SET dispatched_at = now() - interval '8 days' WHERE destination = 'old'");
          h.execute(
              "UPDATE pump.outbox SET dispatched_at = now() - interval '1 day' WHERE destination = 'recent'");
          h.execute(
              "UPDATE pump.outbox SET parked_at = now() - interval '30 days' WHERE destination = 'parked'");
          h.execute(
              "INSERT INTO pump.inbox (endpoint, message_id, processed_at) VALUES ('e', 'old', now() - interval '8 days'), ('e', 'new', now())");
        });

    long purged = RetentionCleaner.builder().storage(storage).build().purge().total();

    assertThat(purged).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE destination = 'old'")).isZero();
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE destination IN ('recent', 'parked')"))
        .isEqualTo(3);
    assertThat(count("SELECT count(*) FROM pump.inbox")).isEqualTo(1);
  }

  @Test
  void redeliveriesAreCountedByMessageIdForgottenAtSettleAndLeftoversPurgedWithTheInbox() {
    assertThat(storage.countRedelivery("e", "m-1")).isEqualTo(1);
    assertThat(storage.countRedelivery("e", "m-1")).isEqualTo(2);
    assertThat(storage.countRedelivery("other", "m-1")).as("per endpoint").isEqualTo(1);
    storage.forgetRedeliveries("e", "m-1");
    assertThat(storage.countRedelivery("e", "m-1")).as("a later copy starts over").isEqualTo(1);
    storage.countRedelivery("e", "left-behind");
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "UPDATE pump.redelivery SET last_started_at = now() - interval '8 days'"
                    + " WHERE message_id = 'left-behind'"));

    assertThat(RetentionCleaner.builder().storage(storage).build().purge().total()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM pump.redelivery WHERE message_id = 'left-behind'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM pump.redelivery")).isEqualTo(2);
  }

  /** Commits {@code n} rows to {@code destination}, {@code bytes} of body each. */
  private static void write(String destination, int n, int bytes) {
    TestOutbox.write(storage, destination, n, bytes);
  }

  private static long pending() {
    return count(
        "SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL");
  }

  private static long count(String sql) {
    Long value = storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    return value == null ? 0 : value;
  }
}
