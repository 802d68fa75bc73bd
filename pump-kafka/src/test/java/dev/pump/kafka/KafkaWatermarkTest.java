package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.WAIT;
import static dev.pump.kafka.KafkaTestSupport.committed;
import static dev.pump.kafka.KafkaTestSupport.message;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.kafka.internal.DefaultKafkaTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Settled out of order, a partition's committed offset stays at its lowest unsettled record, so a
 * crash or a rebalance can deliver again but never skip; and a consumer whose records are not
 * settled holds a bounded number of them, pausing its partitions.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaWatermarkTest {
  private KafkaTransport transport;
  private Admin admin;

  @BeforeEach
  void open() {
    admin = KafkaBroker.admin();
  }

  @AfterEach
  void close() {
    if (transport != null) {
      transport.close();
    }
    admin.close();
  }

  @Test
  void theCommittedOffsetNeverPassesAnUnsettledRecord() throws Exception {
    transport = KafkaTestSupport.transport().partitions(1).maxInFlight(10).build();
    String queue = queueName("watermark");
    String topic = transport.topicOf(queue);
    transport.createQueue(queue);
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(message("w-" + i, "x"));
    }
    transport.send(queue, batch);
    Map<String, ReceivedMessage> received = new HashMap<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (received.size() < 6 && System.nanoTime() < deadline) {
      transport
          .receive(queue, 6, Duration.ofSeconds(1), Duration.ZERO)
          .forEach(m -> received.put(m.messageId(), m));
    }
    assertThat(received).hasSize(6);

    // settled out of order: w-0 (offset 0) stays unsettled
    received.get("w-3").complete();
    received.get("w-1").complete();
    received.get("w-2").complete();
    // the commit after handing out all six names their end; the watermark stays at 0
    await()
        .atMost(WAIT)
        .untilAsserted(() -> {
          OffsetAndMetadata offset = committed(admin, queue, topic).get(0);
          assertThat(offset).isNotNull();
          assertThat(offset.metadata()).isEqualTo("pump:fetched-end=6");
          assertThat(offset.offset()).isZero();
        });

    received.get("w-0").complete();
    await().atMost(WAIT).until(() -> offset(queue, topic) == 4); // w-4 is unsettled
    received.get("w-5").complete();
    received.get("w-4").abandon(Duration.ZERO);
    ReceivedMessage again = KafkaTestSupport.receive(transport, queue);
    assertThat(again.messageId()).isEqualTo("w-4");
    assertThat(again.deliveryCount()).isEqualTo(2);
    assertThat(offset(queue, topic)).isEqualTo(4);
    again.complete();
    await().atMost(WAIT).until(() -> offset(queue, topic) == 6);
  }

  @Test
  void aConsumerWhoseRecordsAreNotSettledHoldsABoundedNumberAndPauses() throws Exception {
    int maxInFlight = 4;
    transport = KafkaTestSupport.transport().partitions(1).maxInFlight(maxInFlight).build();
    String queue = queueName("bounded");
    transport.createQueue(queue);
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      batch.add(message("b-" + i, "x"));
    }
    transport.send(queue, batch);
    DefaultKafkaTransport internals = (DefaultKafkaTransport) transport;

    List<ReceivedMessage> held = new ArrayList<>();
    held.add(KafkaTestSupport.receive(transport, queue)); // starts the consumer; not settled
    await()
        .atMost(WAIT)
        .during(Duration.ofSeconds(2))
        .until(() -> internals.held(queue) >= 1 && internals.held(queue) < 2 * maxInFlight);

    List<String> seen = new ArrayList<>();
    held.forEach(m -> seen.add(m.messageId()));
    held.forEach(ReceivedMessage::complete);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (seen.size() < 40 && System.nanoTime() < deadline) {
      List<ReceivedMessage> some =
          transport.receive(queue, 3, Duration.ofSeconds(1), Duration.ZERO);
      assertThat(internals.held(queue)).isLessThan(2 * maxInFlight);
      some.forEach(m -> seen.add(m.messageId()));
      some.forEach(ReceivedMessage::complete);
    }
    assertThat(seen).doesNotHaveDuplicates().hasSize(40);
  }

  private long offset(String queue, String topic) throws Exception {
    OffsetAndMetadata offset = committed(admin, queue, topic).get(0);
    return offset == null ? -1 : offset.offset();
  }
}
