package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.spi.ReceivedMessage;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A broker outage longer than the outbox dispatcher's send timeout, with both at their defaults:
 * each batch fails as the transport being unavailable before the dispatcher would give up on it, so
 * no attempt is counted against the rows and nothing is parked, however long the outage (here with
 * {@code maxAttempts(2)}, which two counted failures would exhaust).
 */
@ExtendWith(PostgresExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaDispatcherOutageTest {
  private static final int ROWS = 20;

  @Test
  void anOutageLongerThanTheDispatchersSendTimeoutCountsNoAttempt(TestDatabase db)
      throws Exception {
    String queue = queueName("dispatcher-outage");
    JdbcStorage storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    try (KafkaBroker.Relayed broker = KafkaBroker.startBehindRelay();
        KafkaTransport transport =
            KafkaTransport.builder()
                .bootstrapServers(broker.bootstrapServers())
                .clientId("dispatcher-outage")
                .build()) {
      transport.createQueue(queue);
      OutboxDispatcher dispatcher =
          OutboxDispatcher.builder()
              .storage(storage)
              .transport(transport)
              .pollInterval(Duration.ofMillis(100))
              .retryBackoff(Duration.ofMillis(200))
              .maxRetryBackoff(Duration.ofSeconds(1))
              .maxAttempts(2)
              .build();
      dispatcher.start();
      try {
        write(storage, queue, "before", 1);
        await().atMost(KafkaTestSupport.WAIT).until(() -> pending(storage, queue) == 0);

        broker.relay().cut();
        write(storage, queue, "during", ROWS);
        long failedBefore = dispatcher.counters().batchesFailed();
        // three failed batches: at least three send timeouts of the transport, longer than the
        // dispatcher's own
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> dispatcher.counters().batchesFailed() >= failedBefore + 3);
        assertThat(
                count(
                    storage,
                    queue,
                    "SELECT count(*) FROM pump.outbox WHERE destination = ?"
                        + " AND (attempts > 0 OR parked_at IS NOT NULL)"))
            .as("rows with an attempt counted, or parked")
            .isZero();

        broker.relay().restore();
        await().atMost(KafkaTestSupport.WAIT).until(() -> pending(storage, queue) == 0);
        assertThat(
                count(
                    storage,
                    queue,
                    "SELECT count(*) FROM pump.outbox WHERE destination = ? AND parked_at IS NOT NULL"))
            .isZero();
      } finally {
        dispatcher.stop(Duration.ofSeconds(10));
      }
      Set<String> received = new HashSet<>();
      while (received.size() < ROWS + 1) {
        Optional<ReceivedMessage> next = transport.receive(queue, KafkaTestSupport.WAIT);
        assertThat(next).as("after %s", received).isPresent();
        received.add(next.get().messageId());
        next.get().complete();
      }
      assertThat(received).hasSize(ROWS + 1);
    }
  }

  private static void write(JdbcStorage storage, String queue, String prefix, int rows) {
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.outbox (endpoint, kind, destination, message_id, headers, body)"
                    + " SELECT 'tests', 'send', ?, ? || '-' || i, '{}', '\\x00'"
                    + " FROM generate_series(1, ?) AS i",
                queue,
                prefix,
                rows));
  }

  private static long pending(JdbcStorage storage, String queue) {
    return count(
        storage,
        queue,
        "SELECT count(*) FROM pump.outbox WHERE destination = ?"
            + " AND dispatched_at IS NULL AND parked_at IS NULL");
  }

  private static long count(JdbcStorage storage, String queue, String sql) {
    return storage
        .jdbi()
        .withHandle(h -> h.createQuery(sql).bind(0, queue).mapTo(Long.class).one());
  }
}
