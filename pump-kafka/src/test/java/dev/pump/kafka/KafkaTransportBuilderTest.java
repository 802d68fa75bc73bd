package dev.pump.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builder names every bad setting; names Kafka cannot take are refused before any I/O. */
class KafkaTransportBuilderTest {
  @Test
  void everyBadSettingIsNamedAtOnce() {
    assertThatThrownBy(() ->
            KafkaTransport.builder()
                .bootstrapServers(" ")
                .maxInFlight(0)
                .partitions(0)
                .pollTimeout(Duration.ZERO)
                .maxMessageBytes(10)
                .topicPrefix("bad prefix")
                .consumerProperty("enable.auto.commit", true)
                .producerProperty("acks", "1")
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContainingAll(
            "kafka.bootstrapServers",
            "kafka.maxInFlight",
            "kafka.partitions",
            "kafka.pollTimeout",
            "kafka.maxMessageBytes",
            "kafka.topicPrefix",
            "enable.auto.commit",
            "[acks]");
  }

  @Test
  void whatKafkasClientsWouldRefuseIsRefusedAtBuild() {
    assertThatThrownBy(() ->
            KafkaTransport.builder()
                .consumerProperty("group.protocol", "consumer")
                .consumerProperty("heartbeat.interval.ms", 500)
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("kafka.consumerProperty")
        .hasMessageContaining("heartbeat.interval.ms");
    assertThatThrownBy(
            () -> KafkaTransport.builder().consumerProperty("fetch.max.wait.ms", "soon").build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("fetch.max.wait.ms");
    assertThatThrownBy(() ->
            KafkaTransport.builder()
                .producerProperty("linger.ms", 5_000)
                .producerProperty("delivery.timeout.ms", 1_000)
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("delivery.timeout.ms must be at least linger.ms");
    assertThatThrownBy(() ->
            KafkaTransport.builder()
                .producerProperty("max.in.flight.requests.per.connection", 10)
                .producerProperty("retries", 0)
                .consumerProperty("group.protocol", "consumer")
                .consumerProperty("session.timeout.ms", 10_000)
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContainingAll(
            "max.in.flight.requests.per.connection must be at most 5",
            "retries must be at least 1",
            "session.timeout.ms");
    // the newer group protocol without the classic one's assignor, which it refuses
    KafkaTransport.builder().consumerProperty("group.protocol", "consumer").build().close();
  }

  @Test
  void theLongestSendIsTheProducersDeliveryTimeoutAndASecond() {
    try (KafkaTransport defaults = KafkaTransport.builder().build();
        KafkaTransport slower =
            KafkaTransport.builder().sendTimeout(Duration.ofSeconds(30)).build();
        KafkaTransport own =
            KafkaTransport.builder().producerProperty("delivery.timeout.ms", 60_000).build()) {
      // the delivery timeout is at least linger.ms (1 ms) + request.timeout.ms (the send timeout)
      assertThat(defaults.capabilities().longestSend()).isEqualTo(Duration.ofMillis(9_001));
      assertThat(slower.capabilities().longestSend()).isEqualTo(Duration.ofMillis(31_001));
      assertThat(own.capabilities().longestSend()).isEqualTo(Duration.ofSeconds(61));
    }
  }

  @Test
  void aNameKafkaCannotTakeIsRefusedWithTheReason() {
    try (KafkaTransport transport = KafkaTransport.builder().topicPrefix("shop.").build()) {
      assertThat(transport.topicOf("orders")).isEqualTo("shop.orders");
      assertThatThrownBy(() -> transport.send("billing:eu", List.of()))
          .isInstanceOf(PumpConfigurationException.class)
          .hasMessageContaining("billing:eu")
          .hasMessageContaining("cannot be a Kafka topic");
      String longest = "x".repeat(200);
      assertThat(transport.topicOf(longest)).hasSize(205);
    }
  }

  @Test
  void theLongestPrefixAndNameStillMakeALegalTopic() {
    try (KafkaTransport transport =
        KafkaTransport.builder().topicPrefix("p".repeat(39) + ".").build()) {
      assertThat(transport.topicOf("q".repeat(200))).hasSize(240);
    }
  }

  @Test
  void aDelayedMessageIsRefusedBeforeAnythingIsSent() {
    try (KafkaTransport transport = KafkaTransport.builder().build()) {
      OutgoingMessage later =
          OutgoingMessage.of("m", Map.of(), new byte[1]).withDelay(Duration.ofSeconds(5));
      assertThatThrownBy(() -> transport.send("orders", List.of(later)))
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("no delayed delivery");
      assertThat(transport.capabilities().delayedDelivery()).isFalse();
    }
  }
}
