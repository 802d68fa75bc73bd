package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint.CriticalError;
import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest extends EndpointTestSupport {

  @Test
  void repeatedReceiveFailuresTripTheBreakerOnceAndReportACriticalError() {
    List<CriticalError> reported = new CopyOnWriteArrayList<>();
    AtomicInteger handled = new AtomicInteger();
    transport.failReceives(true);

    start(
        endpoint("unreachable")
            .receiveBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
            .circuitBreakerThreshold(5)
            .onCriticalError(reported::add)
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    await().until(() -> reported.size() == 1);
    CriticalError error = reported.getFirst();
    assertThat(error.endpoint()).isEqualTo("unreachable");
    assertThat(error.consecutiveFailures()).isEqualTo(5);
    assertThat(error.cause()).isInstanceOf(TransportException.class);
    assertThat(error.description()).contains("unreachable");

    // once the transport is back, messages flow again
    transport.failReceives(false);
    endpoint("x").build().withoutOutbox().send("unreachable", new Ping(1));
    await().until(() -> handled.get() == 1);
    assertThat(reported).hasSize(1);
  }

  @Test
  void theCriticalErrorCallbackMayStopTheEndpoint() {
    transport.failReceives(true);
    // the callback may run before start() returns: it waits for the endpoint to be known
    CompletableFuture<Endpoint> self = new CompletableFuture<>();

    Endpoint endpoint =
        start(
            endpoint("give-up")
                .receiveBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .circuitBreakerThreshold(3)
                .onCriticalError(error -> self.join().stop(Duration.ofSeconds(5)))
                .handler(Ping.class, (ping, context) -> {}));

    self.complete(endpoint);

    await().until(() -> endpoint.state() == Endpoint.State.STOPPED);
  }

  @Test
  void repeatedSettleFailuresTripTheBreakerAndReportACriticalError() {
    List<CriticalError> reported = new CopyOnWriteArrayList<>();
    transport.onReceived(message ->
        new ForwardingReceivedMessage(message) {
          @Override
          public void complete() {
            throw new TransportException("cannot acknowledge: channel closed");
          }
        });
    Endpoint sender = endpoint("x").build();
    for (int i = 0; i < 5; i++) {
      sender.withoutOutbox().send("unacknowledged", new Ping(i));
    }

    start(
        endpoint("unacknowledged")
            .circuitBreakerThreshold(3)
            .onCriticalError(reported::add)
            .handler(Ping.class, (ping, context) -> {}));

    await().until(() -> reported.size() == 1);
    CriticalError error = reported.getFirst();
    assertThat(error.description()).contains("settling messages from unacknowledged");
    assertThat(error.consecutiveFailures()).isEqualTo(3);
    assertThat(error.cause()).hasMessageContaining("cannot acknowledge");
    await().until(() -> memory.queueStats("unacknowledged").inFlight() == 5);
    assertThat(reported).hasSize(1);
  }
}
