package dev.pump.core.internal.pump;

import dev.pump.core.CriticalError;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a failing receive loop from spinning hot: each consecutive failure waits twice as long as
 * the last (up to a cap), and after {@code threshold} failures in a row the breaker trips and
 * reports a critical error, once, until a receive succeeds again. Used by the receiver thread only,
 * so it needs no synchronization.
 */
public final class ReceiveCircuitBreaker {
  private static final Logger log = LoggerFactory.getLogger(ReceiveCircuitBreaker.class);

  private final String endpoint;
  private final String queue;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int threshold;
  private final Clock clock;
  private final Consumer<CriticalError> onCriticalError;
  private int consecutiveFailures;

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
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.threshold = threshold;
    this.clock = clock;
    this.onCriticalError = onCriticalError;
  }

  void succeeded() {
    if (consecutiveFailures >= threshold) {
      log.info("Endpoint {} receives from {} again", endpoint, queue);
    }
    consecutiveFailures = 0;
  }

  /** Records a failure and waits out the back-off; an interrupt (stop) ends the wait. */
  void failed(Throwable failure) throws InterruptedException {
    consecutiveFailures++;
    Duration backoff = backoffAfter(consecutiveFailures, initialBackoff, maxBackoff);
    log.warn(
        "Endpoint {} could not receive from {} ({} failures in a row), retrying in {}: {}",
        endpoint,
        queue,
        consecutiveFailures,
        backoff,
        failure.toString());
    if (consecutiveFailures == threshold) {
      report(failure);
    }
    Thread.sleep(backoff);
  }

  /** The wait after {@code failures} failures in a row: doubling from {@code initial}, capped. */
  static Duration backoffAfter(int failures, Duration initial, Duration max) {
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    Duration backoff = initial.multipliedBy(1L << doublings);
    return backoff.compareTo(max) > 0 ? max : backoff;
  }

  // On its own thread: the callback may stop the endpoint, which waits for this receiver thread.
  private void report(Throwable failure) {
    CriticalError error =
        new CriticalError(
            endpoint,
            "receiving from " + queue + " failed " + consecutiveFailures + " times in a row",
            consecutiveFailures,
            clock.instant(),
            failure);
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
