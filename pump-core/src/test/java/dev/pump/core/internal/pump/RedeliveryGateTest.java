package dev.pump.core.internal.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedeliveryGateTest {

  @Test
  void anExclusiveHoldKeepsOthersOutOnlyForItsBound() throws Exception {
    RedeliveryGate gate = new RedeliveryGate();
    assertThat(gate.enterExclusive(Duration.ofSeconds(1), Duration.ofMillis(300))).isTrue();
    CountDownLatch entered = new CountDownLatch(1);
    Thread other =
        Thread.ofVirtual()
            .start(() -> {
              try {
                gate.enterShared();
                entered.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    // the holder never lets go (a handler that hangs); the other gets in once the bound passes
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(gate.shared()).isEqualTo(1);
    other.join();
  }

  @Test
  void aSharedHoldWaitsWhileAnExclusiveOneIsWithinItsBoundAndEntersWhenItEnds() throws Exception {
    RedeliveryGate gate = new RedeliveryGate();
    assertThat(gate.enterExclusive(Duration.ofSeconds(1), Duration.ofMinutes(5))).isTrue();
    CountDownLatch entered = new CountDownLatch(1);
    Thread other =
        Thread.ofVirtual()
            .start(() -> {
              try {
                gate.enterShared();
                entered.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    await()
        .until(() ->
            other.getState() == Thread.State.WAITING
                || other.getState() == Thread.State.TIMED_WAITING);
    assertThat(entered.getCount()).isEqualTo(1);
    gate.exitExclusive();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    other.join();
  }

  @Test
  void anExclusiveWaiterGivesUpAfterItsWaitWhileSharedHoldsStay() throws Exception {
    RedeliveryGate gate = new RedeliveryGate();
    gate.enterShared(); // a handler that never ends
    assertThat(gate.enterExclusive(Duration.ofMillis(100), Duration.ofSeconds(1))).isFalse();
    // and nobody is left blocked behind the waiter that gave up
    gate.enterShared();
    assertThat(gate.shared()).isEqualTo(2);
  }
}
