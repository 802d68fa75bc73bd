package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.WAIT;
import static dev.pump.kafka.KafkaTestSupport.committed;
import static dev.pump.kafka.KafkaTestSupport.message;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A subscription starts at its topic's end as of the call: what was published before is not
 * received, what is published after is, and the group keeps that start even when it had members
 * when the subscription was made (another instance of the endpoint was receiving).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaSubscriptionTest {
  @Test
  void aSubscriptionMadeWhileTheGroupHasMembersStartsAtTheTopicsEnd() throws Exception {
    String queue = queueName("subscriber");
    String topic = queueName("events");
    try (KafkaTransport first = KafkaTestSupport.transport().partitions(1).build();
        KafkaTransport second = KafkaTestSupport.transport().partitions(1).build();
        Admin admin = KafkaBroker.admin()) {
      first.createQueue(queue);
      first.publish(List.of(topic), List.of(message("before", "x")));
      // the first instance receives: the queue's group has a member
      assertThat(first.receive(queue, Duration.ofMillis(500))).isEmpty();

      second.subscribe(topic, queue);
      second.publish(List.of(topic), List.of(message("after", "x")));

      ReceivedMessage received = KafkaTestSupport.receive(second, queue);
      assertThat(received.messageId()).isEqualTo("after");
      received.complete();
      await()
          .atMost(WAIT)
          .untilAsserted(() ->
              assertThat(committed(admin, queue, second.topicOf(topic)))
                  .as("the subscription's start, committed for the group")
                  .containsKey(0));
      assertThat(second.receive(queue, Duration.ofMillis(500))).isEmpty();
    }
  }

  @Test
  void aSubscriptionOfAnIdleGroupStartsAtTheTopicsEndAtOnce() throws Exception {
    String queue = queueName("subscriber");
    String topic = queueName("events");
    try (KafkaTransport transport = KafkaTestSupport.transport().partitions(1).build();
        Admin admin = KafkaBroker.admin()) {
      transport.createQueue(queue);
      transport.publish(List.of(topic), List.of(message("before", "x")));

      transport.subscribe(topic, queue);

      assertThat(committed(admin, queue, transport.topicOf(topic)).get(0).offset()).isEqualTo(1);
      transport.publish(List.of(topic), List.of(message("after", "x")));
      ReceivedMessage received = KafkaTestSupport.receive(transport, queue);
      assertThat(received.messageId()).isEqualTo("after");
      received.complete();
    }
  }
}
