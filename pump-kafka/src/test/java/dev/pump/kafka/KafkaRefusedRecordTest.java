package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.WAIT;
import static dev.pump.kafka.KafkaTestSupport.header;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.recoverability.Recoverability;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Records from producers that are not Pump, without a message id, with a header that is not UTF-8
 * or larger than the transport takes, are parked in the error queue with the reason (the oversized
 * one without its body, which stays in its partition), and the partition goes on to the messages
 * behind them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaRefusedRecordTest {
  /** The message the endpoint handles. */
  record Ping(String text) {}

  @Test
  void recordsPumpCannotHandleAreParkedAndThePartitionGoesOn() throws Exception {
    String queue = queueName("refused");
    String errorQueue = queue + "-error";
    Set<String> handled = ConcurrentHashMap.newKeySet();
    try (KafkaTransport transport =
            KafkaTestSupport.transport().partitions(1).maxMessageBytes(2048).build();
        Endpoint endpoint =
            Endpoint.builder()
                .name(queue)
                .transport(transport)
                .concurrency(4)
                .recoverability(
                    Recoverability.builder()
                        .immediateRetries(0)
                        .delayedRetries(0)
                        .errorQueue(errorQueue)
                        .build())
                .handler(Ping.class, (ping, context) -> handled.add(ping.text()))
                .build()) {
      endpoint.start();
      String topic = transport.topicOf(queue);
      byte[] body = "{\"text\":\"anonymous\"}".getBytes(StandardCharsets.UTF_8);
      KafkaTestSupport.produceRaw(new ProducerRecord<>(topic, body));
      KafkaTestSupport.produceRaw(
          new ProducerRecord<byte[], byte[]>(
              topic,
              (Integer) null,
              (byte[]) null,
              body,
              List.<Header>of(
                  new RecordHeader(
                      "pump.message-id", "bad-header".getBytes(StandardCharsets.UTF_8)),
                  new RecordHeader("trace", new byte[] {(byte) 0xC3, (byte) 0x28}))));
      KafkaTestSupport.produceRaw(
          new ProducerRecord<byte[], byte[]>(
              topic,
              (Integer) null,
              (byte[]) null,
              new byte[4096],
              List.<Header>of(
                  new RecordHeader("pump.message-id", "huge".getBytes(StandardCharsets.UTF_8)))));
      endpoint.withoutOutbox().send(queue, new Ping("after"));

      await().atMost(WAIT).until(() -> handled.contains("after"));
      List<ConsumerRecord<byte[], byte[]>> parked =
          KafkaTestSupport.readAll(transport.topicOf(errorQueue), 1, 3);
      assertThat(parked).hasSize(3);
      assertThat(parked)
          .extracting(r -> header(r, "pump.failure.exception-message"))
          .anySatisfy(m -> assertThat(m).contains("has no pump.message-id header"))
          .anySatisfy(m -> assertThat(m).contains("header trace is not UTF-8"))
          .anySatisfy(m -> assertThat(m).contains("more than the transport's maxMessageBytes"));
      assertThat(parked)
          .extracting(r -> header(r, "pump.message-id"))
          .containsExactlyInAnyOrder("kafka:" + topic + ":0:0", "bad-header", "huge");
      ConsumerRecord<byte[], byte[]> huge =
          parked.stream()
              .filter(r -> "huge".equals(header(r, "pump.message-id")))
              .findFirst()
              .orElseThrow();
      assertThat(huge.value()).isEmpty();
      assertThat(header(huge, "pump.kafka.record")).isEqualTo(topic + ":0:2");
      assertThat(header(huge, "pump.failure.reason")).isEqualTo("unrecoverable");
      assertThat(handled).containsExactly("after");
      endpoint.stop(Duration.ofSeconds(10));
    }
  }
}
