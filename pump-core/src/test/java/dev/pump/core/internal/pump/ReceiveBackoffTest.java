package dev.pump.core.internal.pump;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReceiveBackoffTest {
  @Test
  void theWaitBetweenFailedReceivesDoublesUpToTheCap() {
    Duration initial = Duration.ofMillis(100);
    Duration max = Duration.ofSeconds(1);

    assertThat(ReceiveCircuitBreaker.backoffAfter(1, initial, max))
        .isEqualTo(Duration.ofMillis(100));
    assertThat(ReceiveCircuitBreaker.backoffAfter(2, initial, max))
        .isEqualTo(Duration.ofMillis(200));
    assertThat(ReceiveCircuitBreaker.backoffAfter(4, initial, max))
        .isEqualTo(Duration.ofMillis(800));
    assertThat(ReceiveCircuitBreaker.backoffAfter(5, initial, max)).isEqualTo(max);
    assertThat(ReceiveCircuitBreaker.backoffAfter(10_000, initial, max)).isEqualTo(max);
  }
}
