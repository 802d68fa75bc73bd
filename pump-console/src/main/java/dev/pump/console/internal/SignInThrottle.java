package dev.pump.console.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing the action token: each sign-in first takes a try from its address's
 * allowance, atomically, before the token is compared, so parallel requests get no more tries than
 * sequential ones. After {@value #FREE_FAILURES} tries in a row without the right token, the
 * address must wait before its next, one minute at first, doubling with each further wrong token up
 * to fifteen minutes; the right token clears its record, and a record untouched for half an hour is
 * forgotten. An IPv6 address counts with its whole /64, which one client usually holds. At most
 * {@value #MAX_ADDRESSES} addresses are remembered; past that, unblocked ones go first.
 * Thread-safe.
 */
final class SignInThrottle {
  /** Wrong tokens in a row an address may send before it must wait: {@value}. */
  static final int FREE_FAILURES = 5;

  /** The most addresses remembered: {@value}. */
  static final int MAX_ADDRESSES = 10_000;

  static final Duration FIRST_PAUSE = Duration.ofMinutes(1);
  static final Duration LONGEST_PAUSE = Duration.ofMinutes(15);
  private static final Duration FORGET_AFTER = Duration.ofMinutes(30);

  private record Tries(int count, Instant last, Instant blockedUntil) {}

  private final Map<InetAddress, Tries> tries = new ConcurrentHashMap<>();
  private final Clock clock;

  SignInThrottle(Clock clock) {
    this.clock = clock;
  }

  /**
   * Takes a try for {@code address}, counted as a wrong token until {@link #succeeded} says
   * otherwise: returns zero if it may try now, else how long it must still wait (and nothing is
   * counted).
   */
  Duration take(InetAddress address) {
    InetAddress key = key(address);
    Instant now = clock.instant();
    if (!tries.containsKey(key)) {
      makeRoom(now);
    }
    Duration[] wait = {Duration.ZERO};
    tries.compute(
        key,
        (k, before) -> {
          if (before != null && before.blockedUntil().isAfter(now)) {
            wait[0] = Duration.between(now, before.blockedUntil());
            return before;
          }
          int count =
              before == null || before.last().plus(FORGET_AFTER).isBefore(now)
                  ? 1
                  : before.count() + 1;
          return new Tries(count, now, now.plus(pause(count)));
        });
    return wait[0];
  }

  /** {@code address} sent the right token: its record is cleared. */
  void succeeded(InetAddress address) {
    tries.remove(key(address));
  }

  static Duration pause(int wrongInARow) {
    if (wrongInARow < FREE_FAILURES) {
      return Duration.ZERO;
    }
    int doublings = Math.min(wrongInARow - FREE_FAILURES, 4); // 1, 2, 4, 8, then 15 minutes
    Duration pause = FIRST_PAUSE.multipliedBy(1L << doublings);
    return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
  }

  // one client of IPv6 usually holds a /64 and can pick any address in it
  static InetAddress key(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  private void makeRoom(Instant now) {
    if (tries.size() < MAX_ADDRESSES) {
      return;
    }
    tries.values().removeIf(record -> record.last().plus(FORGET_AFTER).isBefore(now));
    // the unblocked first, the blocked ones that wait longest last
    while (tries.size() >= MAX_ADDRESSES) {
      tries.entrySet().stream()
          .min(
              Comparator.<Map.Entry<InetAddress, Tries>, Instant>comparing(
                      entry -> entry.getValue().blockedUntil())
                  .thenComparing(entry -> entry.getValue().last()))
          .ifPresent(oldest -> tries.remove(oldest.getKey()));
    }
  }
}
