package dev.pump.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
  @Test
  void thePauseStartsAtTheSixthWrongTokenAndDoublesUpToFifteenMinutes() {
    assertThat(
            java.util.stream.IntStream.rangeClosed(1, 11)
                .mapToObj(SignInThrottle::pause)
                .map(Duration::toMinutes))
        .containsExactly(0L, 0L, 0L, 0L, 1L, 2L, 4L, 8L, 15L, 15L, 15L);
  }

  @Test
  void addressesAreThrottledApart() throws Exception {
    SignInThrottle throttle = new SignInThrottle(java.time.Clock.systemUTC());
    InetAddress guesser = InetAddress.getByName("192.0.2.1");
    InetAddress operator = InetAddress.getByName("192.0.2.2");
    for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
      throttle.failed(guesser);
    }
    assertThat(throttle.waitFor(guesser)).isGreaterThan(Duration.ofSeconds(59));
    assertThat(throttle.waitFor(operator)).isZero();
  }
}
