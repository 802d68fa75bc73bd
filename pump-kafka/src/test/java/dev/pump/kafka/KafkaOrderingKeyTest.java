package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.WAIT;
import static dev.pump.kafka.KafkaTestSupport.header;
import static dev.pump.kafka.KafkaTestSupport.keyed;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ordering key is the record key: one key's messages share a partition and keep their order.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaOrderingKeyTest {
  private static final int KEYS = 5;
  private static final int PER_KEY = 24;
  private static final int PARTITIONS = 3;

  @Test
  void messagesOfOneOrderingKeyShareAPartitionAndArriveInSendOrder() throws Exception {
    try (KafkaTransport transport =
        KafkaTestSupport.transport().partitions(PARTITIONS).maxInFlight(16).build()) {
      String queue = queueName("keys");
      transport.createQueue(queue);
      for (int round = 0; round < 4; round++) {
        List<OutgoingMessage> batch = new ArrayList<>();
        for (int i = 0; i < PER_KEY / 4; i++) {
          int sequence = round * (PER_KEY / 4) + i;
          for (int key = 0; key < KEYS; key++) {
            batch.add(keyed("key" + key + "-" + String.format("%03d", sequence), "key" + key));
          }
        }
        transport.send(queue, batch);
      }

      Map<String, List<Integer>> received = new HashMap<>();
      int count = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (count < KEYS * PER_KEY && System.nanoTime() < deadline) {
        for (ReceivedMessage message :
            transport.receive(queue, 8, Duration.ofSeconds(1), Duration.ZERO)) {
          String[] parts = message.messageId().split("-");
          received
              .computeIfAbsent(parts[0], k -> new ArrayList<>())
              .add(Integer.parseInt(parts[1]));
          count++;
          message.complete();
        }
      }

      assertThat(received).hasSize(KEYS);
      received.forEach((key, sequence) ->
          assertThat(sequence).as(key).isSorted().doesNotHaveDuplicates().hasSize(PER_KEY));
      Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record :
          KafkaTestSupport.readAll(transport.topicOf(queue), PARTITIONS, KEYS * PER_KEY)) {
        String key = new String(record.key(), StandardCharsets.UTF_8);
        assertThat(header(record, "pump.ordering-key")).isEqualTo(key);
        partitionsByKey.computeIfAbsent(key, k -> new HashSet<>()).add(record.partition());
      }
      assertThat(partitionsByKey).hasSize(KEYS).allSatisfy((key, p) -> assertThat(p).hasSize(1));
    }
  }
}
