package dev.pump.console.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing the action token: after {@value #FREE_FAILURES} wrong tokens in a row from
 * one address, that address must wait before its next try, one minute at first, doubling with each
 * further wrong token up to fifteen minutes. A right token clears the address's record, and a
 * record without a wrong token for half an hour is forgotten. At most {@value #MAX_ADDRESSES}
 * addresses are remembered; past that, the one quiet longest is forgotten. Thread-safe.
 */
public final class SignInThrottle {
  /** Wrong tokens in a row an address may send before it must wait: {@value}. */
  public static final int FREE_FAILURES = 5;

  /** The most addresses remembered: {@value}. */
  public static final int MAX_ADDRESSES = 10_000;

  static final Duration FIRST_PAUSE = Duration.ofMinutes(1);
  static final Duration LONGEST_PAUSE = Duration.ofMinutes(15);
  private static final Duration FORGET_AFTER = Duration.ofMinutes(30);

  private record Failures(int count, Instant last, Instant blockedUntil) {}

  private final Map<InetAddress, Failures> failures = new ConcurrentHashMap<>();
  private final Clock clock;

  /** A throttle on {@code clock}. */
  public SignInThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long {@code address} must still wait before it may try a token; zero if it may now. */
  public Duration waitFor(InetAddress address) {
    Failures record = failures.get(address);
    if (record == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), record.blockedUntil());
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** {@code address} sent a wrong token. */
  public void failed(InetAddress address) {
    Instant now = clock.instant();
    if (!failures.containsKey(address)) {
      makeRoom(now);
    }
    failures.compute(
        address,
        (key, before) -> {
          int count =
              before == null || before.last().plus(FORGET_AFTER).isBefore(now)
                  ? 1
                  : before.count() + 1;
          return new Failures(count, now, now.plus(pause(count)));
        });
  }

  /** {@code address} sent the right token. */
  public void succeeded(InetAddress address) {
    failures.remove(address);
  }

  static Duration pause(int failuresInARow) {
    if (failuresInARow < FREE_FAILURES) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failuresInARow - FREE_FAILURES, 4); // 1, 2, 4, 8, then 15 minutes
    Duration pause = FIRST_PAUSE.multipliedBy(1L << doublings);
    return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
  }

  private void makeRoom(Instant now) {
    if (failures.size() < MAX_ADDRESSES) {
      return;
    }
    failures.values().removeIf(record -> record.last().plus(FORGET_AFTER).isBefore(now));
    while (failures.size() >= MAX_ADDRESSES) {
      failures.entrySet().stream()
          .min(Comparator.comparing(entry -> entry.getValue().last()))
          .ifPresent(oldest -> failures.remove(oldest.getKey()));
    }
  }
}
