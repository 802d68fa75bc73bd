package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import dev.pump.core.Endpoint;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.TransportException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Settings, validation and what a transport promises; none of it needs a broker. */
class RabbitMqTransportBuilderTest {
  @Test
  void buildNamesEveryBadSettingAndNeverShowsThePassword() {
    assertThatThrownBy(() ->
            RabbitMqTransport.builder()
                .uri("http://pump:s3cret@broker/")
                .prefetch(0)
                .confirmTimeout(Duration.ZERO)
                .maxMessageBytes(0)
                .connectionName("no spaces")
                .queueType(null)
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("rabbitmq.uri")
        .hasMessageContaining("rabbitmq.prefetch must be between 1 and 65535, was 0")
        .hasMessageContaining("rabbitmq.confirmTimeout")
        .hasMessageContaining("rabbitmq.maxMessageBytes")
        .hasMessageContaining("rabbitmq.connectionName")
        .hasMessageContaining("rabbitmq.queueType must be set")
        .message()
        .doesNotContain("s3cret");
  }

  @Test
  void theDefaultUriSelectsTheBrokersDefaultVirtualHostAsGuestOnLocalhost() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(RabbitMqTransport.DEFAULT_URI);

    assertThat(factory.getVirtualHost()).isEqualTo("/");
    assertThat(factory.getHost()).isEqualTo("localhost");
    assertThat(factory.getPort()).isEqualTo(5672);
    assertThat(factory.getUsername()).isEqualTo("guest");
  }

  @Test
  void aUriAndAConnectionFactoryTogetherAreRefused() {
    assertThatThrownBy(() ->
            RabbitMqTransport.builder()
                .uri(RabbitMqTransport.DEFAULT_URI)
                .connectionFactory(new ConnectionFactory())
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("either uri or connectionFactory");
  }

  @Test
  void buildingDoesNotConnectAndAnUnreachableBrokerIsATransportException() {
    try (RabbitMqTransport transport =
        RabbitMqTransport.builder().uri("amqp://guest:guest@127.0.0.1:1/").build()) {
      assertThatThrownBy(() -> transport.createQueue("orders"))
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("cannot connect to RabbitMQ at 127.0.0.1:1");
    }
  }

  @Test
  void theCallersConnectionFactoryIsLeftAsConfigured() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setAutomaticRecoveryEnabled(false);

    RabbitMqTransport.builder().connectionFactory(factory).build().close();

    assertThat(factory.isAutomaticRecoveryEnabled()).isFalse();
  }

  @Test
  void noDelayedDeliverySoAnEndpointNeedsDelayedRetriesOffOrAnOutbox() {
    try (RabbitMqTransport transport = RabbitMqTransport.builder().build()) {
      assertThat(transport.capabilities().delayedDelivery()).isFalse();
      assertThat(transport.capabilities().nativeTopics()).isTrue();

      assertThatThrownBy(() ->
              Endpoint.builder()
                  .name("orders")
                  .transport(transport)
                  .handler(Order.class, (order, context) -> {})
                  .build())
          .isInstanceOf(PumpConfigurationException.class)
          .hasMessageContaining("delayed");
      Endpoint endpoint =
          Endpoint.builder()
              .name("orders")
              .transport(transport)
              .recoverability(Recoverability.builder().delayedRetries(0).build())
              .handler(Order.class, (order, context) -> {})
              .build();
      assertThat(endpoint).isNotNull();
    }
  }

  /** A message type of the application's own (JDK types are refused as handler types). */
  record Order(String id) {}
}
