package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.WAIT;
import static dev.pump.kafka.KafkaTestSupport.committed;
import static dev.pump.kafka.KafkaTestSupport.endOffsets;
import static dev.pump.kafka.KafkaTestSupport.keyed;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A second transport joining a queue's consumer group takes partitions from the first while both
 * work: the first lets them go after its records in flight are settled, and no message is lost;
 * with the classic group protocol and with KIP-848's consumer protocol.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaRebalanceTest {
  private static final int PARTITIONS = 3;

  @ParameterizedTest(name = "group.protocol={0}")
  @ValueSource(strings = {"classic", "consumer"})
  void aSecondConsumerJoiningTheGroupLosesNothing(String protocol) throws Exception {
    String queue = queueName("rebalance");
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try (KafkaTransport first = transport("first", protocol);
        KafkaTransport second = transport("second", protocol);
        Admin admin = KafkaBroker.admin()) {
      first.createQueue(queue);
      Set<String> sent = ConcurrentHashMap.newKeySet();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger duplicates = new AtomicInteger();
      AtomicInteger bySecond = new AtomicInteger();
      AtomicBoolean done = new AtomicBoolean();
      send(first, queue, sent, 100);

      Future<?> a = workers.submit(() -> work(first, queue, seen, duplicates, null, done));
      await().atMost(WAIT).until(() -> seen.size() >= 20);
      Future<?> b = workers.submit(() -> work(second, queue, seen, duplicates, bySecond, done));
      // new messages spread over the partitions until the second owns one of them
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            send(first, queue, sent, 10);
            return bySecond.get() > 0;
          });
      send(first, queue, sent, 50);
      await().atMost(WAIT).until(() -> seen.containsAll(sent));
      done.set(true);
      a.get(1, TimeUnit.MINUTES);
      b.get(1, TimeUnit.MINUTES);

      assertThat(seen).isEqualTo(sent);
      String topic = first.topicOf(queue);
      Map<Integer, Long> ends = endOffsets(admin, topic, PARTITIONS);
      await()
          .atMost(WAIT)
          .untilAsserted(() -> {
            Map<Integer, OffsetAndMetadata> committed = committed(admin, queue, topic);
            ends.forEach((partition, end) -> {
              if (end > 0) {
                assertThat(committed.get(partition)).isNotNull();
                assertThat(committed.get(partition).offset()).isEqualTo(end);
              }
            });
          });
      System.err.println(
          "rebalance: "
              + sent.size()
              + " sent, "
              + bySecond.get()
              + " by the second, duplicates "
              + duplicates.get());
    } finally {
      workers.shutdownNow();
    }
  }

  private static KafkaTransport transport(String clientId, String protocol) {
    KafkaTransport.Builder builder =
        KafkaTestSupport.transport()
            .clientId(clientId)
            .partitions(PARTITIONS)
            .maxInFlight(8)
            .revokeWait(Duration.ofSeconds(10))
            .consumerProperty("group.protocol", protocol);
    if (protocol.equals("classic")) {
      // a member hears of a rebalance in its next heartbeat: the classic protocol's is the
      // client's to set, the consumer protocol's the broker's (the test broker's is 500 ms)
      builder.consumerProperty("heartbeat.interval.ms", 500);
    }
    return builder.build();
  }

  // keyed by id, so every batch spreads over the partitions
  private static void send(KafkaTransport transport, String queue, Set<String> sent, int count) {
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "r-" + sent.size() + "-" + i;
      batch.add(keyed(id, id));
    }
    transport.send(queue, batch);
    batch.forEach(m -> sent.add(m.messageId()));
  }

  private static Void work(
      KafkaTransport transport,
      String queue,
      Set<String> seen,
      AtomicInteger duplicates,
      AtomicInteger count,
      AtomicBoolean done)
      throws InterruptedException {
    while (!done.get()) {
      for (ReceivedMessage message :
          transport.receive(queue, 4, Duration.ofMillis(200), Duration.ZERO)) {
        if (!seen.add(message.messageId())) {
          duplicates.incrementAndGet(); // an inbox would skip it
        }
        if (count != null) {
          count.incrementAndGet();
        }
        message.complete();
      }
    }
    return null;
  }
}
