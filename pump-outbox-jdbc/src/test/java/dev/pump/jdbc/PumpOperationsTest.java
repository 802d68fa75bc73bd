package dev.pump.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every operator query and action, against real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PumpOperationsTest {
  static JdbcStorage storage;
  static PostgresTransport transport;
  static PumpOperations operations;

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
    operations = storage.operations();
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @BeforeEach
  void empty() {
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "TRUNCATE pump.outbox, pump.inbox, pump.redelivery, pump.queue_message,"
                    + " pump.discarded_message"));
  }

  @Test
  void theBacklogShowsPendingRowsAndTheOldestAgePerDestination() {
    write("x", 3);
    storage
        .jdbi()
        .useHandle(h -> h.execute("UPDATE pump.outbox SET created_at = now() - interval '1 hour'"));
    write("y", 1);

    List<PumpOperations.Backlog> backlog = operations.outboxBacklog();

    assertThat(backlog).extracting(PumpOperations.Backlog::destination).containsExactly("x", "y");
    assertThat(backlog.get(0).pending()).isEqualTo(3);
    assertThat(backlog.get(0).due()).isEqualTo(3);
    assertThat(backlog.get(0).oldestAge()).isGreaterThanOrEqualTo(Duration.ofMinutes(59));
    assertThat(backlog.get(1).pending()).isEqualTo(1);
  }

  @Test
  void queueDepthsCountEveryMessageAndTheVisibleOnesPerQueue() {
    transport.send("orders", List.of(message("a"), message("b")));
    transport.send(
        "orders",
        List.of(new OutgoingMessage("later", Map.of(), new byte[1], Duration.ofHours(1))));
    transport.send("billing", List.of(message("c")));

    assertThat(operations.queueDepths())
        .extracting(
            PumpOperations.QueueDepth::queue,
            PumpOperations.QueueDepth::messages,
            PumpOperations.QueueDepth::visible)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("billing", 1L, 1L),
            org.assertj.core.groups.Tuple.tuple("orders", 3L, 2L));
  }

  @Test
  void statisticsReadTheOutboxPerDestinationAndEveryQueueInOneStatement() {
    write("x", 3);
    write("y", 2);
    storage
        .jdbi()
        .useHandle(h -> {
          h.execute(
              "UPDATE pump.outbox SET created_at = now() - interval '1 hour'"
                  + " WHERE destination = 'x'");
          h.execute("UPDATE pump.outbox SET parked_at = now() WHERE destination = 'y'");
        });
    write("y", 1);
    transport.send("orders", List.of(message("a"), message("b")));
    transport.send(
        "orders",
        List.of(new OutgoingMessage("later", Map.of(), new byte[1], Duration.ofHours(1))));

    PumpOperations.Statistics statistics = operations.statistics();

    assertThat(statistics.outbox())
        .extracting(
            PumpOperations.OutboxStatistics::destination,
            PumpOperations.OutboxStatistics::pending,
            PumpOperations.OutboxStatistics::parked)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("x", 3L, 0L),
            org.assertj.core.groups.Tuple.tuple("y", 1L, 2L));
    assertThat(statistics.outbox().get(0).oldestPendingAge())
        .isGreaterThanOrEqualTo(Duration.ofMinutes(59));
    assertThat(statistics.outbox().get(1).oldestPendingAge()).isLessThan(Duration.ofMinutes(1));
    assertThat(statistics.queues())
        .extracting(
            PumpOperations.QueueDepth::queue,
            PumpOperations.QueueDepth::messages,
            PumpOperations.QueueDepth::visible)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", 3L, 2L));
  }

  @Test
  void statisticsShowHowLongTheOldestOpenTransactionHasRun() {
    try (org.jdbi.v3.core.Handle held = storage.jdbi().open()) {
      held.begin();
      held.createQuery("SELECT 1").mapTo(Integer.class).one();

      await()
          .until(() ->
              operations.statistics().longestTransaction().compareTo(Duration.ofMillis(500)) > 0);

      held.rollback();
    }
    await()
        .until(() ->
            operations.statistics().longestTransaction().compareTo(Duration.ofMillis(500)) < 0);
  }

  @Test
  void parkedRowsAreListedOldestFirstAndRequeuedByIdByDestinationOrAll() {
    write("billing", 2);
    write("shipping", 2);
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "UPDATE pump.outbox SET parked_at = now() - (id || ' seconds')::interval,"
                    + " attempts = 10, last_error = 'down'"));

    List<PumpOperations.Parked> parked = operations.parked(10);
    assertThat(parked).hasSize(4);
    assertThat(parked).extracting(PumpOperations.Parked::lastError).containsOnly("down");
    assertThat(parked.getFirst().parkedAt()).isBefore(parked.getLast().parkedAt());
    assertThat(operations.parked(1)).hasSize(1);

    PumpOperations.Parked shipping =
        parked.stream().filter(p -> p.destination().equals("shipping")).findFirst().orElseThrow();
    assertThat(operations.requeueParked(shipping.id(), -1)).isEqualTo(1);
    assertThat(operations.requeueParked("billing")).isEqualTo(2);
    assertThat(operations.requeueAllParked()).isEqualTo(1);
    assertThat(operations.parked(10)).isEmpty();
    assertThat(operations.outboxBacklog())
        .extracting(PumpOperations.Backlog::pending)
        .containsExactly(2L, 2L);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE attempts = 0 AND last_error = 'down'"))
        .as("attempts restart, the last error stays")
        .isEqualTo(4);
  }

  @Test
  void failedMessagesShowWhyTheyFailedWithTheStartOfTheirBody() {
    byte[] body =
        "x".repeat(PumpOperations.BODY_PREVIEW_BYTES + 10).getBytes(StandardCharsets.UTF_8);
    transport.send("error", List.of(failed("m-1", "orders", body)));

    List<PumpOperations.FailedMessage> failed = operations.failedMessages("error", 10);

    assertThat(failed).hasSize(1);
    PumpOperations.FailedMessage message = failed.getFirst();
    assertThat(message.messageId()).isEqualTo("m-1");
    assertThat(message.failedQueue()).isEqualTo("orders");
    assertThat(message.reason()).isEqualTo("handler-failed");
    assertThat(message.exceptionType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(message.exceptionMessage()).isEqualTo("no stock");
    assertThat(message.headers()).containsEntry("app", "kept");
    assertThat(message.bodyPreview()).hasSize(PumpOperations.BODY_PREVIEW_BYTES);
    assertThat(message.bodyBytes()).isEqualTo(body.length);
    assertThat(message.enqueuedAt()).isNotNull();
  }

  @Test
  void failedMessagesGoBackToTheirQueueOneOrAllWithoutTheirFailureHeaders() throws Exception {
    transport.send(
        "error",
        List.of(
            failed("m-1", "orders", new byte[] {1}),
            failed("m-2", "orders", new byte[] {2}),
            failed("m-3", "billing", new byte[] {3})));

    assertThat(operations.retryFailed("error", "m-2")).isTrue();
    assertThat(operations.retryFailed("error", "unknown")).isFalse();
    assertThat(operations.retryAllFailed("error")).isEqualTo(2);

    assertThat(operations.failedMessages("error", 10)).isEmpty();
    var moved = transport.receive("orders", Duration.ZERO).orElseThrow();
    assertThat(moved.headers()).containsEntry("app", "kept");
    assertThat(moved.headers()).doesNotContainKey(Headers.FAILED_QUEUE);
    moved.complete();
    assertThat(operations.queueDepths())
        .extracting(PumpOperations.QueueDepth::queue, PumpOperations.QueueDepth::messages)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("billing", 1L),
            org.assertj.core.groups.Tuple.tuple("orders", 1L));
  }

  @Test
  void oneFailedMessageIsShownByItsIdWithItsStackTrace() {
    OutgoingMessage failed = failed("m-1", "orders", "{\"sku\":\"<script>\"}".getBytes(UTF_8));
    Map<String, String> headers = new java.util.HashMap<>(failed.headers());
    headers.put(Headers.STACK_TRACE, "java.lang.IllegalStateException: no stock\n\tat Shop.java:1");
    transport.send("error", List.of(OutgoingMessage.of("m-1", headers, failed.body())));

    PumpOperations.FailedMessage shown = operations.failedMessage("error", "m-1").orElseThrow();

    assertThat(shown.reason()).isEqualTo("handler-failed");
    assertThat(shown.headers().get(Headers.STACK_TRACE))
        .startsWith("java.lang.IllegalStateException");
    assertThat(shown.bodyPreview()).isEqualTo("{\"sku\":\"<script>\"}");
    assertThat(operations.failedMessage("error", "unknown")).isEmpty();
    assertThat(operations.failedMessage("orders", "m-1")).as("another queue").isEmpty();
  }

  @Test
  void aDiscardedFailedMessageMovesWholeIntoTheAuditWithWhoAndWhen() {
    byte[] body = {1, 2, 3};
    transport.send(
        "error", List.of(failed("m-1", "orders", body), failed("m-2", "orders", new byte[] {4})));

    assertThat(operations.discardFailed("error", "m-1", "alice")).isEqualTo(1);
    assertThat(operations.discardFailed("error", "m-1", "alice")).as("gone already").isZero();
    assertThat(operations.discardFailed("error", "unknown", "alice")).isZero();

    assertThat(operations.failedMessages("error", 10))
        .extracting(PumpOperations.FailedMessage::messageId)
        .containsExactly("m-2");
    List<PumpOperations.Discarded> audit = operations.discarded(10);
    assertThat(audit).hasSize(1);
    PumpOperations.Discarded discarded = audit.getFirst();
    assertThat(discarded.source()).isEqualTo("error-queue");
    assertThat(discarded.location()).isEqualTo("error");
    assertThat(discarded.messageId()).isEqualTo("m-1");
    assertThat(discarded.reason()).isEqualTo("handler-failed");
    assertThat(discarded.discardedBy()).isEqualTo("alice");
    assertThat(discarded.discardedAt()).isNotNull();
    byte[] kept =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery("SELECT body FROM pump.discarded_message WHERE message_id = 'm-1'")
                    .mapTo(byte[].class)
                    .one());
    assertThat(kept).as("nothing of it is lost").isEqualTo(body);
  }

  @Test
  void onlyAParkedOutboxRowIsDiscardedAndItsLastErrorIsKept() {
    write("billing", 2);
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "UPDATE pump.outbox SET parked_at = now(), attempts = 10, last_error = 'down'"
                    + " WHERE id = (SELECT min(id) FROM pump.outbox)"));
    long parked = operations.parked(10).getFirst().id();
    long pending = parked + 1;

    assertThat(operations.discardParked(pending, "bob")).as("pending rows stay").isFalse();
    assertThat(operations.discardParked(parked, "bob")).isTrue();
    assertThat(operations.discardParked(parked, "bob")).isFalse();

    assertThat(operations.parked(10)).isEmpty();
    assertThat(operations.outboxBacklog())
        .extracting(PumpOperations.Backlog::pending)
        .containsExactly(1L);
    assertThat(operations.discarded(10))
        .extracting(
            PumpOperations.Discarded::source,
            PumpOperations.Discarded::location,
            PumpOperations.Discarded::reason,
            PumpOperations.Discarded::discardedBy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("outbox", "billing", "down", "bob"));
  }

  @Test
  void aDiscardNamesWhoDiscardsAndRefusesABadNameOrQueue() {
    transport.send("error", List.of(failed("m-1", "orders", new byte[] {1})));

    assertThatThrownBy(() -> operations.discardFailed("error", "m-1", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("discardedBy must be a user name");
    assertThatThrownBy(() -> operations.discardFailed("error", "m-1", "x\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> operations.discardFailed("error'; DROP TABLE x;--", "m-1", "eve"))
        .hasMessageContaining("errorQueue");
    assertThat(operations.failedMessages("error", 10)).hasSize(1);

    assertThat(operations.discardFailed("error", "m-1")).isEqualTo(1);
    assertThat(operations.discarded(1).getFirst().discardedBy())
        .isEqualTo(System.getProperty("user.name"));
  }

  @Test
  void duplicatesAreCountedInThisProcessAndRecordedInTheInbox() {
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.inbox (endpoint, message_id, duplicates) VALUES"
                    + " ('a', 'm-1', 2), ('b', 'm-1', 1), ('a', 'm-2', 0)"));

    assertThat(operations.duplicatesRecorded()).isEqualTo(3);
    assertThat(operations.duplicatesSkipped())
        .as("no endpoint of this storage skipped any")
        .isZero();
  }

  @Test
  void thePurgeDeletesWhatTheWindowsNoLongerKeepAndSaysHowMuch() {
    write("old", 2);
    write("parked", 1);
    storage
        .jdbi()
        .useHandle(h -> {
          h.execute(
              "UPDATE pump.outbox SET dispatched_at = now() - interval '8 days' WHERE destination = 'old'");
          h.execute(
              "UPDATE pump.outbox SET parked_at = now() - interval '30 days' WHERE destination = 'parked'");
          h.execute(
              "INSERT INTO pump.inbox (endpoint, message_id, processed_at) VALUES"
                  + " ('e', 'old', now() - interval '8 days'), ('e', 'new', now())");
          h.execute(
              "INSERT INTO pump.redelivery (endpoint, message_id, last_started_at) VALUES"
                  + " ('e', 'old', now() - interval '8 days')");
        });

    RetentionCleaner.Purged purged = operations.purgeExpired();

    assertThat(purged).isEqualTo(new RetentionCleaner.Purged(2, 1, 1));
    assertThat(purged.total()).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM pump.outbox")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM pump.inbox")).isEqualTo(1);
  }

  private static void write(String destination, int n) {
    TestOutbox.write(storage, destination, n, 10);
  }

  private static OutgoingMessage message(String id) {
    return OutgoingMessage.of(id, Map.of(), new byte[1]);
  }

  private static OutgoingMessage failed(String id, String queue, byte[] body) {
    return OutgoingMessage.of(
        id,
        Map.of(
            "app",
            "kept",
            Headers.FAILED_QUEUE,
            queue,
            Headers.FAILURE_REASON,
            "handler-failed",
            Headers.EXCEPTION_TYPE,
            "java.lang.IllegalStateException",
            Headers.EXCEPTION_MESSAGE,
            "no stock"),
        body);
  }

  private static long count(String sql) {
    Long value = storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    return value == null ? 0 : value;
  }
}
