package dev.pump.rabbitmq;

import static dev.pump.rabbitmq.RabbitMqTransportTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.testkit.TcpRelay;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker outage in the middle of a run: the transport reports it as {@link TransportException}
 * (which the pump's circuit breaker counts), reconnects by itself when the broker is back, and no
 * message is lost on the way.
 */
class RabbitMqRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private BrokerAdmin admin;
  private TcpRelay proxy;
  private RabbitMqTransport transport;

  @BeforeEach
  void connectThroughAProxy() throws Exception {
    admin = new BrokerAdmin();
    proxy = new TcpRelay(RabbitMqBroker.host(), RabbitMqBroker.port());
    transport =
        RabbitMqTransport.builder()
            .uri(proxy.uri(RabbitMqBroker.uri()))
            .connectionName("pump-recovery-test")
            .prefetch(10)
            .networkRecoveryInterval(Duration.ofMillis(100))
            .confirmTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterEach
  void closeEverything() throws IOException {
    if (transport != null) {
      transport.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void anOutageIsReportedAndAfterRecoveryEveryMessageArrives() throws Exception {
    String queue = admin.queueName("recovery");
    transport.createQueue(queue);
    List<OutgoingMessage> before = messages("before", 50);
    List<OutgoingMessage> after = messages("after", 50);
    transport.send(queue, before);
    Map<String, Integer> deliveries = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      ReceivedMessage received = receive(queue);
      deliveries.merge(received.messageId(), 1, Integer::sum);
      received.complete();
    }
    ReceivedMessage inFlight = receive(queue); // being handled when the connection drops
    deliveries.merge(inFlight.messageId(), 1, Integer::sum);

    proxy.cut();

    // the outage surfaces on both paths, as the pump's circuit breaker needs it to
    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThatThrownBy(() -> transport.receive(queue, Duration.ofMillis(200)))
                .isInstanceOf(TransportException.class));
    assertThatThrownBy(() -> transport.send(queue, after)).isInstanceOf(TransportException.class);
    // a delivery of the lost channel cannot be acknowledged: the broker requeued it
    assertThatThrownBy(inFlight::complete)
        .isInstanceOf(TransportException.class)
        .hasMessageContaining(inFlight.messageId());

    proxy.restore();

    // like the outbox dispatcher: retry the failed batch until it goes through
    AtomicInteger failedSends = new AtomicInteger();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          try {
            transport.send(queue, after);
            return true;
          } catch (TransportException e) {
            failedSends.incrementAndGet();
            return false;
          }
        });
    List<String> expected = new ArrayList<>();
    before.forEach(m -> expected.add(m.messageId()));
    after.forEach(m -> expected.add(m.messageId()));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(1))
        .until(() -> {
          try {
            Optional<ReceivedMessage> next = transport.receive(queue, Duration.ofMillis(200));
            next.ifPresent(m -> {
              deliveries.merge(m.messageId(), 1, Integer::sum);
              m.complete();
            });
          } catch (TransportException e) {
            // still reconnecting: the pump would back off and try again, so does the test
          }
          return deliveries.keySet().containsAll(expected);
        });

    assertThat(deliveries).containsOnlyKeys(expected);
    // only what was unacknowledged at the outage may come twice: at most the prefetch
    assertThat(deliveries.values().stream().filter(n -> n > 1).count()).isLessThanOrEqualTo(10);
    assertThat(deliveries.get(inFlight.messageId())).isEqualTo(2);
    assertThat(transport.receive(queue, Duration.ofMillis(300))).isEmpty();
    assertThat(admin.readyMessages(queue)).isZero();
  }

  private ReceivedMessage receive(String queue) throws InterruptedException {
    Optional<ReceivedMessage> received = transport.receive(queue, WAIT);
    assertThat(received).isPresent();
    return received.get();
  }
}
