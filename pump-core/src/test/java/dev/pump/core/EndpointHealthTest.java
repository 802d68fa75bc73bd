package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.EndpointHealth.BreakerState;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EndpointHealthTest extends EndpointTestSupport {

  @Test
  void reportsTheStateAndTheMessagesInFlight() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    Endpoint endpoint =
        endpoint("busy")
            .concurrency(4)
            .handler(Ping.class, (ping, context) -> release.await())
            .build();
    assertThat(endpoint.health())
        .isEqualTo(
            new EndpointHealth(
                "busy",
                Endpoint.State.CREATED,
                BreakerState.CLOSED,
                BreakerState.CLOSED,
                0,
                4,
                java.util.Optional.empty()));
    assertThat(endpoint.health().healthy()).isFalse();
    endpoint.start();
    try {
      Endpoint client = endpoint("client").build();
      client.withoutOutbox().send("busy", new Ping(1));
      client.withoutOutbox().send("busy", new Ping(2));

      await().until(() -> endpoint.health().inFlight() == 2);
      assertThat(endpoint.health().healthy()).isTrue();
      release.countDown();
      await().until(() -> endpoint.health().inFlight() == 0);
    } finally {
      release.countDown();
      endpoint.stop(Duration.ofSeconds(2));
    }
    assertThat(endpoint.health().state()).isEqualTo(Endpoint.State.STOPPED);
    assertThat(endpoint.health().healthy()).isFalse();
  }

  @Test
  void receivesFailingAgainAndAgainOpenTheReceiveBreakerUntilOneSucceeds() {
    transport.failReceives(true);
    Endpoint endpoint =
        start(
            endpoint("cut-off")
                .receiveBackoff(Duration.ofMillis(1), Duration.ofMillis(10))
                .circuitBreakerThreshold(3)
                .handler(Ping.class, (ping, context) -> {}));

    await().until(() -> endpoint.health().receiving() == BreakerState.OPEN);
    EndpointHealth health = endpoint.health();
    assertThat(health.healthy()).isFalse();
    assertThat(health.settling()).isEqualTo(BreakerState.CLOSED);
    assertThat(health.lastError())
        .hasValueSatisfying(error -> {
          assertThat(error.description()).startsWith("receiving from cut-off: ");
          assertThat(error.time()).isEqualTo(clock.instant());
        });

    transport.failReceives(false);
    await().until(() -> endpoint.health().receiving() == BreakerState.CLOSED);
    assertThat(endpoint.health().healthy()).isTrue();
    assertThat(endpoint.health().lastError()).isPresent(); // kept, for whoever looks later
  }
}
