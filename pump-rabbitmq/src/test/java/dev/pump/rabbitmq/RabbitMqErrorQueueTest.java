package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpOperations;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operations API on a RabbitMQ error queue: read without losing a message, in a usable order,
 * on quorum and classic queues; retried and discarded by id without losing the others.
 */
@ExtendWith(PostgresExtension.class)
class RabbitMqErrorQueueTest extends BrokerTestSupport {
  private PumpOperations operations;

  RabbitMqErrorQueueTest() {
    super("pump-error-queue-test");
  }

  @BeforeEach
  void storage(TestDatabase db) {
    operations = JdbcStorage.builder().dataSource(db.dataSource()).build().operations();
  }

  @ParameterizedTest
  @EnumSource(QueueType.class)
  void listingLosesNothingAndKeepsTheOrderHoweverOftenItRuns(QueueType type) throws Exception {
    RabbitMqTransport typed = closeAfter(transportOf(type));
    String errors = admin.queueName("errors");
    typed.createQueue(errors);
    for (int i = 0; i < 5; i++) {
      typed.send(
          errors,
          List.of(failed("m-" + i, "billing", i % 2 == 0 ? "unrecoverable" : "retries-exhausted")));
    }
    ErrorQueue queue = operations.errorQueue(typed, errors);

    for (int round = 0; round < 12; round++) {
      assertThat(queue.list(ErrorQueue.Filter.all()).messages())
          .extracting(ErrorQueue.Message::messageId)
          .containsExactly("m-0", "m-1", "m-2", "m-3", "m-4");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.readyMessages(errors) == 5);

    ErrorQueue.Message shown = queue.show("m-3").orElseThrow();
    assertThat(shown.reason()).isEqualTo("retries-exhausted");
    assertThat(shown.stackTrace()).contains("at shop.Billing");
    assertThat(shown.headers()).containsEntry("app", "kept");
    assertThat(shown.bodyPreview()).isEqualTo("{\"id\":\"m-3\"}");
    ErrorQueue.Page first = queue.list(ErrorQueue.Filter.all().reason("unrecoverable").limit(2));
    assertThat(first.messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("m-0", "m-2");
    assertThat(
            queue
                .list(ErrorQueue.Filter.all().reason("unrecoverable").limit(2).after(first.next()))
                .messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("m-4");
    assertThat(queue.list(ErrorQueue.Filter.all().containing("\"m-1\"")).messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("m-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.readyMessages(errors) == 5);
    // whatever a quorum queue counted, a consumer still gets every message whole
    assertThat(admin.takeMessageIds(errors))
        .containsExactlyInAnyOrder("m-0", "m-1", "m-2", "m-3", "m-4");
  }

  @ParameterizedTest
  @EnumSource(QueueType.class)
  void retryAndDiscardByIdTakeOnlyThoseAndAuditTheDiscard(QueueType type) throws Exception {
    RabbitMqTransport typed = closeAfter(transportOf(type));
    String errors = admin.queueName("errors");
    String billing = admin.queueName("billing");
    typed.createQueue(errors);
    typed.createQueue(billing);
    for (int i = 0; i < 5; i++) {
      typed.send(errors, List.of(failed("m-" + i, billing, "unrecoverable")));
    }
    typed.send(errors, List.of(failed("lost", "no such queue!", "unrecoverable")));
    ErrorQueue queue = operations.errorQueue(typed, errors);

    assertThat(queue.retry(List.of("m-1", "m-3", "absent", "lost")))
        .extracting(ErrorQueue.Outcome::result)
        .containsExactly(
            ErrorQueue.Result.RETRIED,
            ErrorQueue.Result.RETRIED,
            ErrorQueue.Result.NOT_FOUND,
            ErrorQueue.Result.FAILED);
    assertThat(queue.discard(List.of("m-4"), "alice"))
        .extracting(ErrorQueue.Outcome::result)
        .containsExactly(ErrorQueue.Result.DISCARDED);

    assertThat(queue.list(ErrorQueue.Filter.all()).messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("m-0", "m-2", "lost");
    List<Map<String, Object>> moved = new ArrayList<>();
    try (Channel channel = admin.channel()) {
      for (GetResponse got = channel.basicGet(billing, true);
          got != null;
          got = channel.basicGet(billing, true)) {
        assertThat(got.getProps().getHeaders()).doesNotContainKey(Headers.FAILED_QUEUE);
        moved.add(Map.of("id", got.getProps().getMessageId()));
      }
    }
    assertThat(moved).extracting(m -> m.get("id")).containsExactly("m-1", "m-3");
    assertThat(operations.discarded(10))
        .filteredOn(d -> d.location().equals(errors))
        .extracting(
            PumpOperations.Discarded::messageId,
            PumpOperations.Discarded::discardedBy,
            PumpOperations.Discarded::location)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("m-4", "alice", errors));
    assertThat(queue.retryAll()).isEqualTo(2);
    assertThat(queue.list(ErrorQueue.Filter.all()).messages())
        .extracting(ErrorQueue.Message::messageId)
        .containsExactly("lost");
  }

  @ParameterizedTest
  @EnumSource(QueueType.class)
  void pagingAndShowingOneShowEveryMessageOnceInOrder(QueueType type) throws Exception {
    RabbitMqTransport typed = closeAfter(transportOf(type));
    String errors = admin.queueName("errors");
    typed.createQueue(errors);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add("m-" + i);
      typed.send(errors, List.of(failed("m-" + i, "billing", "unrecoverable")));
    }
    ErrorQueue queue = operations.errorQueue(typed, errors);

    assertThat(queue.show("m-1")).isPresent();
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      ErrorQueue.Page page = queue.list(ErrorQueue.Filter.all().limit(3).after(cursor));
      page.messages().forEach(m -> paged.add(m.messageId()));
      cursor = page.next();
    } while (cursor != null);

    assertThat(paged).containsExactlyElementsOf(sent);
  }

  private RabbitMqTransport transportOf(QueueType type) {
    return RabbitMqTransport.builder()
        .uri(RabbitMqBroker.uri())
        .connectionName("pump-error-queue-" + type)
        .queueType(type)
        .build();
  }

  private static OutgoingMessage failed(String id, String queue, String reason) {
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
            Headers.STACK_TRACE,
            "java.lang.IllegalStateException: no\n\tat shop.Billing.charge(Billing.java:1)",
            Headers.TIME_OF_FAILURE,
            Instant.now().toString()),
        ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
