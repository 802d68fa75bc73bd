package dev.pump.core.internal.pump;

import dev.pump.core.Endpoint.CriticalError;
import dev.pump.core.EndpointHealth;
import dev.pump.core.internal.shared.Backoff;
import dev.pump.core.internal.shared.Loggers;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a failing receive loop from spinning hot: each consecutive failure waits twice as long as
 * the last (up to a cap), and after {@code threshold} failures in a row the breaker trips and
 * reports a critical error, once, until a receive succeeds again.
 *
 * <p>Settling is watched too: a transport that still receives but can no longer acknowledge, give
 * back or move messages (the database rejects commits, the broker channel is gone) would otherwise
 * look healthy. After {@code threshold} settle failures in a row (complete, abandon, or the send of
 * a delayed-retry or error-queue copy) it reports a critical error as well, once, until a settle
 * succeeds again. Message threads do not back off: their messages stay leased, and the permits they
 * hold throttle the pump.
 *
 * <p>The receive half is used by the receiver thread only; the settle half by every message thread,
 * so it is atomic.
 */
public final class ReceiveCircuitBreaker {
  private static final Logger log = LoggerFactory.getLogger(Loggers.ENDPOINT);

  private final String endpoint;
  private final String queue;
  private final Backoff backoff;
  private final int threshold;
  private final Clock clock;
  private final Consumer<CriticalError> onCriticalError;
  private final AtomicInteger consecutiveFailures = new AtomicInteger(); // every receiver's
  private final AtomicInteger consecutiveSettleFailures = new AtomicInteger();
  private volatile EndpointHealth.LastError lastError;

  /** Creates it; see the class comment. */
  public ReceiveCircuitBreaker(
      String endpoint,
      String queue,
      Duration initialBackoff,
      Duration maxBackoff,
      int threshold,
      Clock clock,
      Consumer<CriticalError> onCriticalError) {
    this.endpoint = endpoint;
    this.queue = queue;
    this.backoff = Backoff.of(initialBackoff, maxBackoff);
    this.threshold = threshold;
    this.clock = clock;
    this.onCriticalError = onCriticalError;
  }

  void succeeded() {
    // read first: every receive of every receiver passes here, and most find nothing to reset
    if (consecutiveFailures.get() != 0 && consecutiveFailures.getAndSet(0) >= threshold) {
      log.info("Endpoint {} receives from {} again", endpoint, queue);
    }
  }

  /** Records a failure and waits out the back-off; an interrupt (stop) ends the wait. */
  void failed(Throwable failure) throws InterruptedException {
    int failures = consecutiveFailures.incrementAndGet();
    lastError =
        new EndpointHealth.LastError(clock.instant(), "receiving from " + queue + ": " + failure);
    Duration wait = backoff.nominal(failures);
    log.warn(
        "Endpoint {} could not receive from {} ({} failures in a row), retrying in {}: {}",
        endpoint,
        queue,
        failures,
        wait,
        failure.toString());
    if (failures == threshold) {
      report(
          "receiving from " + queue + " failed " + failures + " times in a row", failures, failure);
    }
    Thread.sleep(wait);
  }

  /** Records that a message was settled; ends a run of settle failures. */
  void settled() {
    if (consecutiveSettleFailures.get() != 0) {
      int before = consecutiveSettleFailures.getAndSet(0);
      if (before >= threshold) {
        log.info("Endpoint {} settles messages from {} again", endpoint, queue);
      }
    }
  }

  /** Records that settling a message failed; the threshold-th failure in a row reports it. */
  void settleFailed(Throwable failure) {
    int failures = consecutiveSettleFailures.incrementAndGet();
    lastError =
        new EndpointHealth.LastError(
            clock.instant(), "settling a message from " + queue + ": " + failure);
    if (failures == threshold) {
      report(
          "settling messages from "
              + queue
              + " (complete, abandon, or sending a retry or error-queue copy) failed "
              + failures
              + " times in a row; the transport receives but cannot acknowledge",
          failures,
          failure);
    }
  }

  /** The receive half's state. */
  public EndpointHealth.BreakerState receiving() {
    return state(consecutiveFailures.get());
  }

  /** The settle half's state. */
  public EndpointHealth.BreakerState settling() {
    return state(consecutiveSettleFailures.get());
  }

  /** The last failure to receive or to settle, if any. */
  public Optional<EndpointHealth.LastError> lastError() {
    return Optional.ofNullable(lastError);
  }

  private EndpointHealth.BreakerState state(int failures) {
    if (failures == 0) {
      return EndpointHealth.BreakerState.CLOSED;
    }
    return failures < threshold
        ? EndpointHealth.BreakerState.FAILING
        : EndpointHealth.BreakerState.OPEN;
  }

  /** The wait after {@code failures} failures in a row: doubling from {@code initial}, capped. */
  static Duration backoffAfter(int failures, Duration initial, Duration max) {
    return Backoff.of(initial, max).nominal(failures);
  }

  // On its own thread: the callback may stop the endpoint, which waits for this receiver thread.
  private void report(String description, int failures, Throwable failure) {
    CriticalError error =
        new CriticalError(endpoint, description, failures, clock.instant(), failure);
    log.error("Endpoint {}: {}", endpoint, error.description(), failure);
    Thread.ofVirtual()
        .name("pump-" + endpoint + "-critical-error")
        .start(() -> {
          try {
            onCriticalError.accept(error);
          } catch (RuntimeException | Error e) {
            log.error("The critical error callback of endpoint {} failed", endpoint, e);
          }
        });
  }
}
