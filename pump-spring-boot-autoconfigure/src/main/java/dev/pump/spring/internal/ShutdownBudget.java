package dev.pump.spring.internal;

import dev.pump.core.Service;
import java.time.Duration;

/**
 * Pump's shutdown grace, shared by its two lifecycle groups: the endpoints' stop starts the clock,
 * and the workers stop with what is left of it. Thread-safe.
 */
public final class ShutdownBudget {
  private final Duration grace;
  private volatile long deadline; // System.nanoTime() the grace runs out; 0 before the stop

  /** A budget of {@code grace}. */
  public ShutdownBudget(Duration grace) {
    this.grace = grace;
  }

  /** Starts the clock; returns the whole grace. */
  Duration begin() {
    deadline = System.nanoTime() + grace.toNanos();
    return grace;
  }

  /**
   * What is left since {@link #begin()} (all of it before), at least {@link
   * Service#MIN_WORKER_GRACE}.
   */
  Duration left() {
    long end = deadline;
    Duration left = end == 0 ? grace : Duration.ofNanos(Math.max(0, end - System.nanoTime()));
    return left.compareTo(Service.MIN_WORKER_GRACE) < 0 ? Service.MIN_WORKER_GRACE : left;
  }

  @Override
  public String toString() {
    return "ShutdownBudget[" + grace + "]";
  }
}
