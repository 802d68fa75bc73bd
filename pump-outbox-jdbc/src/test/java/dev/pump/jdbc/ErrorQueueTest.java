package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.Headers;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operations API's error queues on PostgreSQL: the error queue and the parked outbox rows. */
@ExtendWith(PostgresExtension.class)
class ErrorQueueTest {
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
                "TRUNCATE pump.outbox, pump.inbox, pump.queue_message, pump.discarded_message"));
  }

  @Test
  void aListingFiltersPagesWithAStableCursorAndShowsWhyEachFailed() {
    for (int i = 0; i < 5; i++) {
      transport.send(
          "error", List.of(failed("b-" + i, "billing", "unrecoverable", "{\"n\":" + i + "}")));
    }
    transport.send("error", List.of(failed("s-0", "shipping", "retries-exhausted", "order-77")));
    transport.send(
        "error", List.of(failed("bin", "shipping", "unrecoverable", new byte[] {(byte) 0xff, 0})));
    ErrorQueue errors = operations.errorQueue("error");

    ErrorQueue.Page first = errors.list(ErrorQueue.Filter.all().failedQueue("billing").limit(2));
    ErrorQueue.Page second =
        errors.list(ErrorQueue.Filter.all().failedQueue("billing").limit(2).after(first.next()));
    ErrorQueue.Page third =
        errors.list(ErrorQueue.Filter.all().failedQueue("billing").limit(2).after(second.next()));

    assertThat(first.messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("b-0", "b-1");
    assertThat(second.messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("b-2", "b-3");
    assertThat(third.messages()).extracting(ErrorQueue.Message::messageId).containsExactly("b-4");
    assertThat(third.next()).isNull();
    assertThat(errors.list(ErrorQueue.Filter.all().reason("retries-exhausted")).messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("s-0");
    assertThat(errors.list(ErrorQueue.Filter.all().containing("order-77")).messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("s-0");
    assertThat(errors.list(ErrorQueue.Filter.all().containing("\"n\":3")).messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("b-3");
    assertThat(
            errors
                .list(ErrorQueue.Filter.all().exceptionType("java.lang.IllegalStateException"))
                .messages())
        .hasSize(7);
    assertThat(
            errors
                .list(ErrorQueue.Filter.all().failedBetween(Instant.now().plusSeconds(60), null))
                .messages())
        .isEmpty();

    ErrorQueue.Message shown = errors.show("b-1").orElseThrow();
    assertThat(shown.failedQueue()).isEqualTo("billing");
    assertThat(shown.reason()).isEqualTo("unrecoverable");
    assertThat(shown.exceptionMessage()).isEqualTo("no stock");
    assertThat(shown.stackTrace()).contains("at shop.Billing.charge");
    assertThat(shown.headers()).containsEntry("app", "kept");
    assertThat(shown.bodyPreview()).isEqualTo("{\"n\":1}");
    assertThat(shown.bodyIsText()).isTrue();
    ErrorQueue.Message binary = errors.show("bin").orElseThrow();
    assertThat(binary.bodyIsText()).isFalse();
    assertThat(binary.bodyPreview()).isEqualTo("ff00");
    assertThat(errors.show("nope")).isEmpty();
  }

  @Test
  void aLongBodyIsCutToThePreviewAtACharacter() {
    String body = "é".repeat(ErrorQueue.BODY_PREVIEW_BYTES); // 2 bytes each
    transport.send("error", List.of(failed("long", "billing", "unrecoverable", body)));
    ErrorQueue.Message shown = operations.errorQueue("error").show("long").orElseThrow();
    assertThat(shown.bodyBytes()).isEqualTo(2 * ErrorQueue.BODY_PREVIEW_BYTES);
    assertThat(shown.bodyIsText()).isTrue();
    assertThat(shown.bodyPreview()).isEqualTo("é".repeat(ErrorQueue.BODY_PREVIEW_BYTES / 2));
  }

  @Test
  void retryMovesTheChosenBackWithoutFailureHeadersAndReportsEachId() throws Exception {
    transport.send("error", List.of(failed("a", "billing", "unrecoverable", "A")));
    transport.send("error", List.of(failed("b", "billing", "unrecoverable", "B")));
    transport.send("error", List.of(failed("c", "shipping", "unrecoverable", "C")));
    Map<String, String> noOrigin = new LinkedHashMap<>(failed("x", "q", "r", "X").headers());
    noOrigin.put(Headers.FAILED_QUEUE, "bad name; DROP");
    transport.send("error", List.of(OutgoingMessage.of("x", noOrigin, new byte[1])));
    ErrorQueue errors = operations.errorQueue("error");

    List<ErrorQueue.Outcome> outcomes = errors.retry(List.of("a", "c", "missing", "x"));

    assertThat(outcomes)
        .extracting(ErrorQueue.Outcome::messageId, ErrorQueue.Outcome::result)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", ErrorQueue.Result.RETRIED),
            org.assertj.core.groups.Tuple.tuple("c", ErrorQueue.Result.RETRIED),
            org.assertj.core.groups.Tuple.tuple("missing", ErrorQueue.Result.NOT_FOUND),
            org.assertj.core.groups.Tuple.tuple("x", ErrorQueue.Result.FAILED));
    assertThat(outcomes.get(3).detail()).contains("pump.failure.queue");
    assertThat(errors.list(ErrorQueue.Filter.all()).messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("b", "x");
    var received = transport.receive("billing", Duration.ofSeconds(5)).orElseThrow();
    assertThat(received.messageId()).isEqualTo("a");
    assertThat(received.headers())
        .containsEntry("app", "kept")
        .doesNotContainKey(Headers.FAILED_QUEUE);
    assertThat(new String(received.body(), StandardCharsets.UTF_8)).isEqualTo("A");
    received.complete();
    transport.receive("shipping", Duration.ofSeconds(5)).orElseThrow().complete();
  }

  @Test
  void retryByFilterAndRetryAllMoveEachAtMostOnce() {
    for (int i = 0; i < 3; i++) {
      transport.send("error", List.of(failed("u-" + i, "billing", "unrecoverable", "U")));
    }
    transport.send("error", List.of(failed("r-0", "billing", "retries-exhausted", "R")));
    ErrorQueue errors = operations.errorQueue("error");

    assertThat(errors.retry(ErrorQueue.Filter.all().reason("retries-exhausted")))
        .extracting(ErrorQueue.Outcome::messageId)
        .containsExactly("r-0");
    assertThat(errors.retryAll()).isEqualTo(3);
    assertThat(errors.list(ErrorQueue.Filter.all()).messages()).isEmpty();
    assertThat(operations.queueDepths())
        .extracting(PumpOperations.QueueDepth::queue, PumpOperations.QueueDepth::messages)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("billing", 4L));
  }

  @Test
  void discardKeepsTheMessageWholeInTheAuditWithWhoAndReportsEachId() {
    transport.send("error", List.of(failed("a", "billing", "unrecoverable", "A")));
    transport.send("error", List.of(failed("b", "billing", "retries-exhausted", "B")));
    ErrorQueue errors = operations.errorQueue("error");

    assertThat(errors.discard(List.of("a", "zzz"), "alice"))
        .extracting(ErrorQueue.Outcome::result)
        .containsExactly(ErrorQueue.Result.DISCARDED, ErrorQueue.Result.NOT_FOUND);
    assertThat(errors.discard(ErrorQueue.Filter.all().reason("retries-exhausted"), "bob"))
        .extracting(ErrorQueue.Outcome::result)
        .containsExactly(ErrorQueue.Result.DISCARDED);

    assertThat(errors.list(ErrorQueue.Filter.all()).messages()).isEmpty();
    assertThat(operations.discarded(10))
        .extracting(PumpOperations.Discarded::messageId, PumpOperations.Discarded::discardedBy)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a", "alice"),
            org.assertj.core.groups.Tuple.tuple("b", "bob"));
    String body =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT convert_from(body, 'UTF8') FROM pump.discarded_message"
                            + " WHERE message_id = 'a'")
                    .mapTo(String.class)
                    .one());
    assertThat(body).isEqualTo("A");
  }

  @Test
  void parkedRowsHaveTheSameFaceAndAreRequeuedOrDiscardedByMessageId() {
    TestOutbox.write(storage, "billing", 3, 10);
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "UPDATE pump.outbox SET parked_at = now(), attempts = 10,"
                    + " last_error = 'NOT_FOUND - no queue billing'"));
    ErrorQueue parked = operations.parkedRows();
    List<ErrorQueue.Message> rows = parked.list(ErrorQueue.Filter.all()).messages();

    assertThat(parked.name()).isEqualTo(PumpOperations.PARKED);
    assertThat(rows).hasSize(3);
    assertThat(rows.getFirst().failedQueue()).isEqualTo("billing");
    assertThat(rows.getFirst().reason()).isEqualTo("parked");
    assertThat(rows.getFirst().exceptionMessage()).contains("no queue billing");
    assertThat(rows.getFirst().attempts()).isEqualTo(10);
    assertThat(parked.list(ErrorQueue.Filter.all().containing("no queue")).messages()).hasSize(3);
    assertThat(parked.list(ErrorQueue.Filter.all().failedQueue("other")).messages()).isEmpty();

    String first = rows.get(0).messageId();
    String second = rows.get(1).messageId();
    assertThat(parked.retry(List.of(first, "none")))
        .extracting(ErrorQueue.Outcome::result)
        .containsExactly(ErrorQueue.Result.RETRIED, ErrorQueue.Result.NOT_FOUND);
    assertThat(parked.discard(List.of(second), "carol"))
        .extracting(ErrorQueue.Outcome::result)
        .containsExactly(ErrorQueue.Result.DISCARDED);
    assertThat(parked.list(ErrorQueue.Filter.all()).messages()).hasSize(1);
    assertThat(operations.outboxBacklog().getFirst().pending()).isEqualTo(1);
  }

  @Test
  void badInputIsRefusedWithTheNameOfWhatWasWrong() {
    ErrorQueue errors = operations.errorQueue("error");
    assertThatThrownBy(() -> operations.errorQueue("x'; DROP TABLE pump.outbox; --"))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("errorQueue");
    assertThatThrownBy(() -> ErrorQueue.Filter.all().limit(0))
        .hasMessageContaining("limit must be between 1 and 1000, was 0");
    assertThatThrownBy(() -> ErrorQueue.Filter.all().limit(100_000)).hasMessageContaining("limit");
    assertThatThrownBy(() -> ErrorQueue.Filter.all().failedQueue("a b"))
        .hasMessageContaining("failedQueue");
    assertThatThrownBy(() -> ErrorQueue.Filter.all().containing("a\u0000b"))
        .hasMessageContaining("text");
    assertThatThrownBy(() -> errors.list(ErrorQueue.Filter.all().after("12; DROP")))
        .hasMessageContaining("after must be a cursor");
    assertThatThrownBy(() -> errors.retry(List.of())).hasMessageContaining("messageIds");
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i <= ErrorQueue.MAX_LIMIT; i++) {
      tooMany.add("m" + i);
    }
    assertThatThrownBy(() -> errors.retry(tooMany)).hasMessageContaining("1 to 1000 ids");
    assertThatThrownBy(() -> errors.discard(List.of("a"), " ")).hasMessageContaining("discardedBy");
    assertThatThrownBy(() -> operations.trace("t", 0, 10)).hasMessageContaining("depth");
    // hostile text is bound, never spliced: it matches nothing and breaks nothing
    assertThat(errors.list(ErrorQueue.Filter.all().containing("' OR 1=1; --")).messages())
        .isEmpty();
  }

  static OutgoingMessage failed(String id, String queue, String reason, String body) {
    return failed(id, queue, reason, body.getBytes(StandardCharsets.UTF_8));
  }

  static OutgoingMessage failed(String id, String queue, String reason, byte[] body) {
    return OutgoingMessage.of(
        id,
        Map.of(
            "app",
            "kept",
            Headers.FAILED_QUEUE,
            queue,
            Headers.FAILURE_REASON,
            reason,
            Headers.EXCEPTION_TYPE,
            "java.lang.IllegalStateException",
            Headers.EXCEPTION_MESSAGE,
            "no stock",
            Headers.STACK_TRACE,
            "java.lang.IllegalStateException: no stock\n\tat shop.Billing.charge(Billing.java:42)",
            Headers.TIME_OF_FAILURE,
            Instant.now().toString()),
        body);
  }
}
