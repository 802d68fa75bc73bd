package dev.pump.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.Endpoint;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.test.Shop.OrderPlaced;
import dev.pump.test.Shop.PlaceOrder;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A flow that fails is reported, with the error queue's reason, never mistaken for a finished one;
 * a flow that does not finish fails the wait with what is still pending.
 */
@PumpTest
class FailingFlowTest {

  @Test
  void aHandlerThatAlwaysThrowsFailsTheWaitWithTheErrorQueuesReason(TestPump pump) {
    pump.start(
        Endpoint.builder()
            .name("billing")
            .recoverability(Recoverability.builder().immediateRetries(2).delayedRetries(0).build())
            .handler(
                OrderPlaced.class,
                (placed, context) -> {
                  throw new IllegalStateException("payment gateway down for " + placed.orderId());
                }));

    pump.send("billing", new OrderPlaced("o-1", 4200));

    assertThatThrownBy(pump::awaitIdle)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 message failed")
        .hasMessageContaining("billing: " + OrderPlaced.class.getName())
        .hasMessageContaining("moved to error queue 'error', reason retries-exhausted")
        .hasMessageContaining("IllegalStateException: payment gateway down for o-1")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(pump.errorQueue())
        .singleElement()
        .satisfies(failed -> {
          assertThat(failed.reason()).isEqualTo("retries-exhausted");
          assertThat(failed.failedQueue()).isEqualTo("billing");
          assertThat(failed.exceptionType()).isEqualTo(IllegalStateException.class.getName());
          assertThat(failed.exceptionMessage()).isEqualTo("payment gateway down for o-1");
          assertThat(failed.bodyJson()).contains("o-1");
        });
  }

  @Test
  void aTestThatExpectsTheFailureWaitsForIt(TestPump pump) {
    pump.start(
        Endpoint.builder()
            .name("billing")
            .recoverability(Recoverability.noRetries())
            .handler(
                OrderPlaced.class,
                (placed, context) -> {
                  throw new IllegalArgumentException("no such customer");
                }));

    pump.send("billing", new OrderPlaced("o-2", 1));

    assertThat(pump.awaitFailures())
        .singleElement()
        .satisfies(f -> {
          assertThat(f.endpoint()).isEqualTo("billing");
          assertThat(f.errorQueue()).isEqualTo("error");
          assertThat(f.reason()).isEqualTo("retries-exhausted");
          assertThat(f.exception()).hasMessage("no such customer");
        });
    assertThatThrownBy(pump::awaitFailures).hasMessageContaining("every message");
  }

  @Test
  void aWaitThatRunsOutListsWhatIsStillPending(TestPump pump) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    pump.start(
        Endpoint.builder()
            .name("orders")
            .handler(PlaceOrder.class, (order, context) -> release.await()));

    pump.send("orders", new PlaceOrder("o-3", 1));
    try {
      assertThatThrownBy(() -> pump.awaitIdle(Duration.ofMillis(500)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("Pump was not idle after PT0.5S")
          .hasMessageContaining("messages in flight: orders: 1")
          .hasMessageContaining("queue orders: " + PlaceOrder.class.getName())
          .hasMessageContaining("being handled");
    } finally {
      release.countDown();
    }
    pump.awaitIdle();
  }
}
