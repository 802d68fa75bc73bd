package dev.pump.core.internal.shared;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Capped exponential back-off: {@code initial} after the first failure, doubling after each one up
 * to {@code max}, optionally spread by a random jitter so that many waiters do not retry in step.
 * Immutable and thread-safe.
 *
 * @param initial the delay after the first failure, positive
 * @param max the cap, at least {@code initial}
 * @param jitter the spread as a fraction of the delay, from 0 (none) to 1: a delay {@code d}
 *     becomes a uniform pick in {@code [d * (1 - jitter), d * (1 + jitter)]}
 */
public record Backoff(Duration initial, Duration max, double jitter) {
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("back-off needs 0 < initial <= max, was " + this);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
    }
  }

  /** A back-off without jitter. */
  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max, 0);
  }

  /** The same back-off spread by {@code jitter}. */
  public Backoff withJitter(double jitter) {
    return new Backoff(initial, max, jitter);
  }

  /** The delay without jitter after {@code failures} failures in a row (at least 1). */
  public Duration nominal(int failures) {
    int doublings = Math.min(Math.max(failures, 1) - 1, 62);
    long maxNanos = max.toNanos();
    long initialNanos = initial.toNanos();
    if (initialNanos > (maxNanos >> doublings)) {
      return max;
    }
    return Duration.ofNanos(initialNanos << doublings);
  }

  /** The delay after {@code failures} failures in a row, with jitter applied. */
  public Duration after(int failures) {
    return after(failures, ThreadLocalRandom.current());
  }

  /**
   * The delay after {@code failures} failures in a row, with jitter drawn from {@code random}, for
   * callers that seed their own generator so that processes do not back off in step.
   */
  public Duration after(int failures, RandomGenerator random) {
    Duration nominal = nominal(failures);
    if (jitter == 0) {
      return nominal;
    }
    double spread = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofNanos(Math.round(nominal.toNanos() * spread));
  }

  /**
   * The longest total wait over {@code failures} failures: the sum of the nominal delays, each at
   * the top of its jitter.
   */
  public Duration longestTotal(int failures) {
    Duration total = Duration.ZERO;
    for (int i = 1; i <= failures; i++) {
      total = total.plus(nominal(i));
    }
    return Duration.ofNanos(Math.round(total.toNanos() * (1 + jitter)));
  }

  /** Sleeps for {@link #after} failures; returns false, with the interrupt flag kept, if woken. */
  public boolean sleepAfter(int failures) {
    try {
      Thread.sleep(after(failures));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
