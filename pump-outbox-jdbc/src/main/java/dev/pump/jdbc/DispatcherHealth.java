package dev.pump.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How an {@link OutboxDispatcher} is doing, from {@link OutboxDispatcher#health()}: what a
 * readiness probe or Spring Boot's Actuator reports.
 *
 * @param running whether it was started and not stopped
 * @param pausedDestinations the destinations it leaves alone because their circuit breaker is open,
 *     each with when it is probed again
 * @param oldestPending the age of the oldest row waiting to be sent, parked rows not counted; zero
 *     when none waits
 */
public record DispatcherHealth(
    boolean running, Map<String, Instant> pausedDestinations, Duration oldestPending) {
  /** Copies the map. */
  public DispatcherHealth {
    pausedDestinations = Map.copyOf(pausedDestinations);
  }

  /** Whether it runs with no destination paused. */
  public boolean healthy() {
    return running && pausedDestinations.isEmpty();
  }
}
