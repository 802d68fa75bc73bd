package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.message;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A queue is usable as soon as {@code createQueue} returns: another transport (another process,
 * with its own clients) can send to it at once, although Kafka creates topics asynchronously and a
 * broker may learn of a new topic after the creation was acknowledged.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaCreateQueueTest {
  private static final int QUEUES = 30;

  @Test
  void aQueueJustCreatedTakesSendsFromAnotherTransportAtOnce() {
    List<String> failures = new ArrayList<>();
    try (KafkaTransport creator = KafkaTestSupport.transport().clientId("creator").build();
        KafkaTransport sender = KafkaTestSupport.transport().clientId("sender").build()) {
      for (int i = 0; i < QUEUES; i++) {
        String queue = queueName("created");
        creator.createQueue(queue);
        try {
          sender.send(queue, List.of(message("m-" + i, "right after its queue was created")));
        } catch (RuntimeException e) {
          failures.add(queue + ": " + e.getMessage());
        }
      }
    }
    assertThat(failures).isEmpty();
  }
}
