package dev.pump.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.test.Shop.OrderPlaced;
import dev.pump.test.Shop.PlaceOrder;
import dev.pump.test.Shop.Remind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The kit's clock moves delayed sends and delayed retries past their delays without waiting for
 * them: the wall time a test takes stays far below the delays it moves past.
 */
@PumpTest
class ClockTest {
  @Test
  void aDelayedSendIsScheduledThenDeliveredOnceTheClockMovesPastIt(TestPump pump) {
    List<Remind> reminded = new CopyOnWriteArrayList<>();
    pump.start(
        Endpoint.builder()
            .name("orders")
            .handler(
                PlaceOrder.class,
                (order, context) ->
                    context.send(
                        "reminders",
                        new Remind(order.orderId()),
                        SendOptions.delayedBy(Duration.ofHours(24))))
            .handler(Remind.class, (remind, context) -> {}),
        Endpoint.builder()
            .name("reminders")
            .handler(Remind.class, (remind, context) -> reminded.add(remind)));
    long began = System.nanoTime();
    Instant before = pump.clock().instant();

    pump.send("orders", new PlaceOrder("o-1", 1));
    pump.awaitIdle(); // the reminder is scheduled, not waited for

    assertThat(reminded).isEmpty();
    TestPump.OutboxMessage reminder = pump.outbox().getLast();
    assertThat(reminder.destination()).isEqualTo("reminders");
    assertThat(reminder.state()).isEqualTo("pending");
    assertThat(reminder.dueAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));

    pump.clock().advance(Duration.ofHours(24));
    pump.awaitIdle();

    assertThat(reminded).containsExactly(new Remind("o-1"));
    assertThat(pump.outbox().getLast().state()).isEqualTo("dispatched");
    assertThat(pump.clock().instant()).isAfterOrEqualTo(before.plus(Duration.ofHours(24)));
    assertThat(pump.clock().advanced()).isEqualTo(Duration.ofHours(24));
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMinutes(1));
  }

  @Test
  void aDelayedRetryRunsOnceTheClockMovesPastItsDelay(TestPump pump) {
    AtomicInteger deliveries = new AtomicInteger();
    pump.start(
        Endpoint.builder()
            .name("billing")
            .recoverability(
                Recoverability.builder()
                    .immediateRetries(0)
                    .delayedRetries(2)
                    .delayedRetryIncrement(Duration.ofHours(1))
                    .build())
            .handler(
                OrderPlaced.class,
                (placed, context) -> {
                  if (deliveries.incrementAndGet() == 1) {
                    throw new IllegalStateException("payment gateway timed out");
                  }
                }));
    long began = System.nanoTime();

    pump.send("billing", new OrderPlaced("o-2", 1));

    assertThat(pump.awaitFailures())
        .singleElement()
        .satisfies(f -> {
          assertThat(f.reason()).isEqualTo(TestPump.Failure.DELAYED_RETRY);
          assertThat(f.exception()).hasMessage("payment gateway timed out");
        });
    assertThat(deliveries).hasValue(1);

    pump.clock().advance(Duration.ofHours(1));
    pump.awaitIdle();

    assertThat(deliveries).hasValue(2);
    assertThat(pump.errorQueue()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMinutes(1));
  }
}
