package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportUnavailableException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A broker that cannot be reached is reported as the transport being unavailable, which the outbox
 * dispatcher does not hold against the messages (no attempt counted, nothing parked).
 */
class RabbitMqUnavailableTest {

  @Test
  void sendAndPublishToABrokerNobodyAnswersAreUnavailableNotFailed() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    try (RabbitMqTransport transport =
        RabbitMqTransport.builder().uri("amqp://guest:guest@127.0.0.1:" + port).build()) {
      OutgoingMessage message = OutgoingMessage.of("m-1", Map.of(), new byte[] {'{', '}'});
      assertThatThrownBy(() -> transport.send("nowhere", List.of(message)))
          .isInstanceOf(TransportUnavailableException.class)
          .hasMessageContaining("cannot connect to RabbitMQ");
      assertThatThrownBy(() -> transport.publish(List.of("dev.example.Event"), List.of(message)))
          .isInstanceOf(TransportUnavailableException.class);
    }
  }
}
