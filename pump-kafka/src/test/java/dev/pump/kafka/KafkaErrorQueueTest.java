package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.header;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpOperations;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operations API on a Kafka error topic: listed without losing a message, retried to the queue
 * each failed in, discarded with an audit row, and gone for later listings either way.
 */
@ExtendWith(PostgresExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaErrorQueueTest {
  private PumpOperations operations;

  @BeforeEach
  void storage(TestDatabase db) {
    operations = JdbcStorage.builder().dataSource(db.dataSource()).build().operations();
  }

  @Test
  void listRetryAndDiscardActOnlyOnTheChosenMessages() throws Exception {
    try (KafkaTransport transport = KafkaTestSupport.transport().partitions(1).build()) {
      String errors = queueName("error");
      String billing = queueName("billing");
      transport.createQueue(errors);
      transport.createQueue(billing);
      for (int i = 0; i < 5; i++) {
        transport.send(
            errors,
            List.of(failed("m-" + i, billing, i % 2 == 0 ? "unrecoverable" : "retries-exhausted")));
      }
      transport.send(errors, List.of(failed("lost", "no-such-queue", "unrecoverable")));
      ErrorQueue queue = operations.errorQueue(transport, errors);

      for (int round = 0; round < 3; round++) {
        assertThat(queue.list(ErrorQueue.Filter.all()).messages())
            .extracting(ErrorQueue.Message::messageId)
            .containsExactly("m-0", "m-1", "m-2", "m-3", "m-4", "lost");
      }
      ErrorQueue.Message shown = queue.show("m-3").orElseThrow();
      assertThat(shown.reason()).isEqualTo("retries-exhausted");
      assertThat(shown.bodyPreview()).isEqualTo("{\"id\":\"m-3\"}");

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
      List<ConsumerRecord<byte[], byte[]>> moved =
          KafkaTestSupport.readAll(transport.topicOf(billing), 1, 2);
      assertThat(moved)
          .extracting(r -> header(r, Headers.MESSAGE_ID))
          .containsExactly("m-1", "m-3");
      assertThat(moved).allSatisfy(r -> assertThat(header(r, Headers.FAILED_QUEUE)).isNull());
      assertThat(operations.discarded(10))
          .filteredOn(d -> d.location().equals(errors))
          .extracting(
              PumpOperations.Discarded::messageId,
              PumpOperations.Discarded::discardedBy,
              PumpOperations.Discarded::location)
          .containsExactly(Tuple.tuple("m-4", "alice", errors));
      assertThat(queue.retryAll()).isEqualTo(2);
      assertThat(queue.list(ErrorQueue.Filter.all()).messages())
          .extracting(ErrorQueue.Message::messageId)
          .containsExactly("lost");
    }
  }

  private static OutgoingMessage failed(String id, String queue, String reason) {
    return OutgoingMessage.of(
        id,
        Map.of(
            Headers.MESSAGE_ID,
            id,
            Headers.FAILED_QUEUE,
            queue,
            Headers.FAILURE_REASON,
            reason,
            Headers.EXCEPTION_TYPE,
            "java.lang.IllegalStateException",
            Headers.TIME_OF_FAILURE,
            Instant.now().toString()),
        ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
