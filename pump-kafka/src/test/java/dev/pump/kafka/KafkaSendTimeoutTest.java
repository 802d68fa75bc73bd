package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.keyed;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A batch the broker cannot acknowledge fails once its send timeout has passed, as the broker being
 * unavailable (so the dispatcher does not count it against the messages), with Kafka's reason
 * naming the partition; the producer gives it up then, so it does not arrive later behind the
 * failure, and the next batch goes through once the broker is back.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaSendTimeoutTest {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(3);

  @Test
  void aBatchNotAcknowledgedInTimeFailsAsUnavailableAndIsNotDeliveredLater() throws Exception {
    String queue = queueName("send-timeout");
    try (KafkaBroker.Relayed broker = KafkaBroker.startBehindRelay();
        KafkaTransport transport =
            KafkaTransport.builder()
                .bootstrapServers(broker.bootstrapServers())
                .clientId("send-timeout")
                .sendTimeout(SEND_TIMEOUT)
                // raises the producer's delivery timeout to Kafka's floor, linger.ms +
                // request.timeout.ms: 3.1 s, which the sender waits for
                .producerProperty("linger.ms", 100)
                .build()) {
      transport.createQueue(queue);
      transport.send(queue, List.of(keyed("before", "one-partition")));

      broker.relay().cut();
      assertThatThrownBy(() -> transport.send(queue, List.of(keyed("lost", "one-partition"))))
          .isInstanceOf(TransportUnavailableException.class)
          .hasMessageContaining("cannot send to queue " + queue)
          .hasMessageContaining(transport.topicOf(queue) + "-")
          // the producer's own expiry, not the sender's backstop, ended the wait
          .hasMessageContaining("Expiring")
          .hasMessageNotContaining("did not acknowledge");

      broker.relay().restore();
      transport.send(queue, List.of(keyed("after", "one-partition")));
      List<String> received = new ArrayList<>();
      while (!received.contains("after")) {
        Optional<ReceivedMessage> next = transport.receive(queue, KafkaTestSupport.WAIT);
        assertThat(next).as("a message after %s", received).isPresent();
        received.add(next.get().messageId());
        next.get().complete();
      }
      // one key, one partition: a record the producer still held would come before "after"
      assertThat(received).containsExactly("before", "after");
    }
  }
}
