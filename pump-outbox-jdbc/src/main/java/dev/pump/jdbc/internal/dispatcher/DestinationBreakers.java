package dev.pump.jdbc.internal.dispatcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A circuit breaker per destination: after {@code threshold} failed batches in a row the
 * destination is paused for {@code pause}, then probed with one batch; a success closes it, a
 * failure pauses it again. A failing destination so costs one probe per pause instead of a send per
 * cycle, and the others go on at full speed.
 *
 * <p>Thread-safe: the cycle's senders record their batches from several threads at once (each
 * destination from one thread at a time); every method holds this object's lock, briefly.
 */
public final class DestinationBreakers {
  private final int threshold;
  private final Duration pause;
  private final Clock clock;
  private final Map<String, Breaker> breakers = new HashMap<>(); // guarded by this

  /** Creates the breakers. */
  public DestinationBreakers(int threshold, Duration pause, Clock clock) {
    this.threshold = threshold;
    this.pause = pause;
    this.clock = clock;
  }

  /** The destinations to leave alone in this cycle: open and not yet due for a probe. */
  public synchronized List<String> paused() {
    Instant now = clock.instant();
    List<String> paused = new ArrayList<>();
    breakers.forEach((destination, breaker) -> {
      if (breaker.openUntil != null && now.isBefore(breaker.openUntil)) {
        paused.add(destination);
      }
    });
    return paused;
  }

  /**
   * Whether a batch may go to {@code destination} now: always when closed; once per probe when its
   * pause has passed.
   */
  public synchronized boolean allow(String destination) {
    Breaker breaker = breakers.get(destination);
    if (breaker == null || breaker.openUntil == null) {
      return true;
    }
    if (clock.instant().isBefore(breaker.openUntil)) {
      return false;
    }
    if (breaker.probing) {
      return false;
    }
    breaker.probing = true;
    return true;
  }

  /** Records a successful batch: the destination is healthy again. */
  public synchronized void succeeded(String destination) {
    breakers.remove(destination);
  }

  /**
   * Records a failed batch.
   *
   * @return true if this failure opened (or re-opened) the breaker
   */
  public synchronized boolean failed(String destination) {
    Breaker breaker = breakers.computeIfAbsent(destination, d -> new Breaker());
    breaker.failures++;
    if (breaker.probing || breaker.failures >= threshold) {
      breaker.openUntil = clock.instant().plus(pause);
      breaker.probing = false;
      return true;
    }
    return false;
  }

  /**
   * Opens {@code destination}'s breaker at once, whatever its count: for a send that hung, which
   * costs every other destination the wait, where a failure that comes back quickly costs nothing.
   */
  public synchronized void trip(String destination) {
    Breaker breaker = breakers.computeIfAbsent(destination, d -> new Breaker());
    breaker.failures++;
    breaker.openUntil = clock.instant().plus(pause);
    breaker.probing = false;
  }

  /** Starts a new cycle: an unused probe permission is handed back. */
  public synchronized void newCycle() {
    breakers.values().forEach(b -> b.probing = false);
  }

  /** Every destination whose breaker is open, with the time it is probed again. */
  public synchronized java.util.Map<String, Instant> open() {
    java.util.Map<String, Instant> open = new java.util.TreeMap<>();
    breakers.forEach((destination, breaker) -> {
      if (breaker.openUntil != null) {
        open.put(destination, breaker.openUntil);
      }
    });
    return open;
  }

  /** Whether {@code destination}'s breaker is open. */
  public synchronized boolean isOpen(String destination) {
    Breaker breaker = breakers.get(destination);
    return breaker != null && breaker.openUntil != null;
  }

  private static final class Breaker {
    int failures;
    Instant openUntil;
    boolean probing;
  }
}
