package dev.pump.core.internal.pump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Headers;
import dev.pump.core.recoverability.Recoverability;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DelayedRetriesHeaderTest {
  private static int made(String value) {
    return IncomingChecks.delayedRetriesMade(Map.of(Headers.DELAYED_RETRIES, value));
  }

  @Test
  void aForgedDelayedRetryCountIsClampedToASaneRange() {
    assertThat(made("2")).isEqualTo(2);
    assertThat(made("2147483647")).isEqualTo(Recoverability.MAX_RETRIES);
    assertThat(made("99999999999999999999999")).isEqualTo(Recoverability.MAX_RETRIES);
    assertThat(made("-5")).isZero();
    assertThat(made("lots")).isZero();
    assertThat(IncomingChecks.delayedRetriesMade(Map.of())).isZero();
  }
}
