package dev.pump.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
  @Test
  void thePauseStartsAtTheFifthWrongTokenAndDoublesUpToFifteenMinutes() {
    assertThat(
            IntStream.rangeClosed(1, 11).mapToObj(SignInThrottle::pause).map(Duration::toMinutes))
        .containsExactly(0L, 0L, 0L, 0L, 1L, 2L, 4L, 8L, 15L, 15L, 15L);
  }

  @Test
  void addressesAreThrottledApartButOneIpv6Slash64IsOne() throws Exception {
    SignInThrottle throttle = new SignInThrottle(Clock.systemUTC());
    for (int i = 1; i <= SignInThrottle.FREE_FAILURES; i++) {
      assertThat(throttle.take(InetAddress.getByName("2001:db8::" + i))).isZero();
    }
    assertThat(throttle.take(InetAddress.getByName("2001:db8::ffff")))
        .as("another address of the same /64")
        .isGreaterThan(Duration.ofSeconds(59));
    assertThat(throttle.take(InetAddress.getByName("2001:db8:0:1::1"))).isZero();
    assertThat(throttle.take(InetAddress.getByName("192.0.2.2"))).isZero();
  }

  @Test
  void parallelTriesGetNoMoreThanSequentialOnes() throws Exception {
    SignInThrottle throttle = new SignInThrottle(Clock.systemUTC());
    InetAddress guesser = InetAddress.getByName("192.0.2.1");
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      List<Callable<Duration>> tries = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        tries.add(() -> throttle.take(guesser));
      }
      long allowed = 0;
      for (Future<Duration> outcome : threads.invokeAll(tries)) {
        if (outcome.get().isZero()) {
          allowed++;
        }
      }
      assertThat(allowed).isEqualTo(SignInThrottle.FREE_FAILURES);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aFullThrottleForgetsTheUnblockedBeforeABlockedGuesser() throws Exception {
    SignInThrottle throttle = new SignInThrottle(Clock.systemUTC());
    InetAddress guesser = InetAddress.getByName("198.51.100.1");
    for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
      throttle.take(guesser);
    }
    for (int i = 0; i < SignInThrottle.MAX_ADDRESSES + 10; i++) {
      throttle.take(
          InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
    }
    assertThat(throttle.take(guesser)).isGreaterThan(Duration.ofSeconds(59));
  }
}
