package dev.pump.core.internal.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    Backoff backoff = Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(1));

    assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.after(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.after(1_000_000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitterSpreadsEachDelayWithinItsBounds() {
    Backoff backoff = Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(5)).withJitter(0.2);
    boolean spread = false;
    for (int i = 0; i < 200; i++) {
      Duration delay = backoff.after(3);
      assertThat(delay).isBetween(Duration.ofMillis(3_200), Duration.ofMillis(4_800));
      spread |= !delay.equals(Duration.ofSeconds(4));
    }
    assertThat(spread).isTrue();
  }

  @Test
  void theLongestTotalWaitSumsTheDelaysAtTheTopOfTheirJitter() {
    Backoff backoff = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(4)).withJitter(0.5);

    // 1 + 2 + 4 + 4 = 11 s, plus half
    assertThat(backoff.longestTotal(4)).isEqualTo(Duration.ofMillis(16_500));
  }

  @Test
  void refusesDelaysThatCannotBackOff() {
    assertThatThrownBy(() -> Backoff.of(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(2)).withJitter(2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
