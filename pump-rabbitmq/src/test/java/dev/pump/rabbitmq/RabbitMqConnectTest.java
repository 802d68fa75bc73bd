package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Connecting to a real broker: the defaults a new user relies on, and the errors they read. */
class RabbitMqConnectTest {

  @Test
  void aTransportBuiltWithoutAUriWorksWithALocalBrokerAsInstalled() throws Exception {
    URI broker = URI.create(RabbitMqBroker.uri());
    // the default names a local broker's guest user: the test broker must be that broker
    Assumptions.assumeTrue(
        List.of("localhost", "127.0.0.1").contains(broker.getHost())
            && RabbitMqBroker.port() == 5672
            && "guest:guest".equals(broker.getUserInfo()),
        "the test broker "
            + broker.getHost()
            + ":"
            + RabbitMqBroker.port()
            + " is not the default");
    try (BrokerAdmin admin = new BrokerAdmin();
        RabbitMqTransport transport = RabbitMqTransport.builder().build()) {
      String queue = admin.queueName("defaults");

      transport.createQueue(queue);
      transport.send(queue, RabbitMqTransportTest.messages("default-uri", 1));

      Optional<ReceivedMessage> received = transport.receive(queue, Duration.ofSeconds(10));
      assertThat(received).map(ReceivedMessage::messageId).contains("default-uri-0");
      received.get().complete();
      assertThat(transport.toString()).contains("localhost:5672 (vhost /)");
    }
  }

  @Test
  void aVirtualHostTheBrokerDoesNotHaveIsReportedInTheBrokersOwnWords() {
    URI broker = URI.create(RabbitMqBroker.uri());
    String unknown =
        broker.getScheme()
            + "://"
            + broker.getRawUserInfo()
            + "@"
            + broker.getHost()
            + ":"
            + RabbitMqBroker.port()
            + "/pump-no-such-vhost";
    try (RabbitMqTransport transport = RabbitMqTransport.builder().uri(unknown).build()) {
      assertThatThrownBy(() -> transport.createQueue("orders"))
          .isInstanceOf(TransportUnavailableException.class)
          .hasMessageContaining("cannot connect to RabbitMQ at")
          .hasMessageContaining("(vhost pump-no-such-vhost)")
          .hasMessageContaining("NOT_ALLOWED - vhost pump-no-such-vhost not found");
    }
  }
}
