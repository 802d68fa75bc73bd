package dev.pump.examples.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.pump.examples.testing.Checkout.CancelIfUnpaid;
import dev.pump.examples.testing.Checkout.ChargeCard;
import dev.pump.examples.testing.Checkout.OrderPlaced;
import dev.pump.examples.testing.Checkout.PlaceOrder;
import dev.pump.test.PumpTest;
import dev.pump.test.TestPump;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The testing guide's flow tests: both endpoints on PostgreSQL, under the kit. */
// docs:testing-flow-class
@PumpTest
class CheckoutFlowTest {
  private final List<CancelIfUnpaid> cancelled = new CopyOnWriteArrayList<>();

  @Test
  void aPlacedOrderIsCharged(TestPump pump) {
    pump.start(Checkout.orders((cancel, context) -> cancelled.add(cancel)), Checkout.billing());

    pump.send("orders", new PlaceOrder("o-1", 4200));
    pump.awaitIdle(); // returns when nothing is in flight, queued or due in the outbox

    assertThat(pump.published(OrderPlaced.class)).containsExactly(new OrderPlaced("o-1", 4200));
    assertThat(pump.sent("payments", ChargeCard.class))
        .containsExactly(new ChargeCard("o-1", 4200));
    assertThat(pump.outbox()) // in the order written, with headers and bodies
        .extracting(TestPump.OutboxMessage::endpoint, TestPump.OutboxMessage::kind)
        .containsExactly(
            tuple("test", "send"), // PlaceOrder, from pump.send
            tuple("orders", "publish"), // OrderPlaced
            tuple("orders", "send"), // CancelIfUnpaid, due in 24 hours
            tuple("billing", "send")); // ChargeCard
  }

  // docs:end

  @Test
  void theTimeoutCancelsTheOrderADayLaterWithoutWaitingADay(TestPump pump) {
    pump.start(Checkout.orders((cancel, context) -> cancelled.add(cancel)), Checkout.billing());
    // docs:testing-clock
    pump.send("orders", new PlaceOrder("o-2", 100));
    pump.awaitIdle(); // the timeout is scheduled a day ahead: not waited for
    assertThat(cancelled).isEmpty();

    pump.clock().advance(Duration.ofHours(24)); // due times move, the dispatcher wakes
    pump.awaitIdle();
    assertThat(cancelled).containsExactly(new CancelIfUnpaid("o-2"));
    // docs:end
  }

  @Test
  void anOrderWithNothingToChargeIsParkedWithItsReason(TestPump pump) {
    pump.start(Checkout.orders((cancel, context) -> {}), Checkout.billing());
    // docs:testing-failure
    pump.send("orders", new PlaceOrder("o-3", 0));

    assertThat(pump.awaitFailures()) // billing failed twice, then was put back for 10 minutes
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo(TestPump.Failure.DELAYED_RETRY));
    pump.clock().advance(Duration.ofMinutes(10));
    assertThatThrownBy(pump::awaitIdle) // a failure is reported, never taken for idle
        .hasMessageContaining("moved to error queue 'error', reason retries-exhausted")
        .hasMessageContaining("nothing to charge for o-3");
    assertThat(pump.errorQueue())
        .singleElement()
        .satisfies(failed -> {
          assertThat(failed.failedQueue()).isEqualTo("billing");
          assertThat(failed.exceptionType()).isEqualTo(IllegalArgumentException.class.getName());
        });
    // docs:end
  }
}
