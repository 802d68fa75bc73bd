package dev.pump.jdbc.internal.dispatcher;

import dev.pump.core.internal.shared.Backoff;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.queue.Signal;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher thread's loop: a cycle, then, unless the claim was full, a wait for the outbox's
 * signal (a local commit or another process's NOTIFY) or the poll interval, and the batch window
 * after a signal. A cycle that fails as a whole (the database unreachable) is retried with
 * back-off.
 */
public final class DispatchLoop {
  private static final Logger log = LoggerFactory.getLogger(Loggers.DISPATCHER);

  /** The wait after a cycle that failed as a whole: 100 ms doubling to 10 s. */
  private static final Backoff CYCLE_BACKOFF =
      Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(10));

  /**
   * A dispatcher's settings, checked by its builder.
   *
   * @param retryBackoff the wait before a failed row's next attempt, by its attempt number
   * @param sendParallelism the transport calls in flight at once, fitted to the pool already
   */
  public record Settings(
      int claimSize,
      int maxBatchMessages,
      long maxBatchBytes,
      int maxAttempts,
      Backoff retryBackoff,
      int circuitBreakerThreshold,
      Duration circuitBreakerPause,
      Clock clock,
      int sendParallelism,
      Duration sendTimeout,
      Duration pollInterval,
      Duration batchWindow,
      Telemetry telemetry) {}

  private final Signal outboxCommits;
  private final DispatchCycle cycle;
  private final Settings settings;
  private final DestinationBreakers breakers;

  /** Builds the cycle, its parallel sends and circuit breakers; {@code counters} count them. */
  public DispatchLoop(
      StorageRuntime runtime, Transport transport, DispatchCounters counters, Settings settings) {
    this.outboxCommits = runtime.outboxCommits();
    this.settings = settings;
    this.breakers =
        new DestinationBreakers(
            settings.circuitBreakerThreshold(), settings.circuitBreakerPause(), settings.clock());
    this.cycle =
        new DispatchCycle(
            runtime.jdbi(),
            runtime.outbox(),
            transport,
            new ParallelSends(
                transport,
                breakers,
                counters,
                settings.sendParallelism(),
                settings.sendTimeout(),
                "pump-dispatcher-send-" + runtime.schema(),
                settings.telemetry()),
            new DispatchCycle.Limits(
                settings.claimSize(),
                settings.maxBatchMessages(),
                settings.maxBatchBytes(),
                settings.maxAttempts(),
                settings.retryBackoff()),
            breakers,
            counters,
            // used by the dispatcher thread only; seeded per dispatcher so processes do not
            // back off in step
            RandomGenerator.of("L64X128MixRandom"));
  }

  /** The destinations whose circuit breaker is open now, with when each is probed again. */
  public java.util.Map<String, java.time.Instant> openBreakers() {
    return breakers.open();
  }

  /**
   * Runs cycles while {@code running} says so, or until the thread is interrupted; once it says no,
   * relays what is due then (see {@link #drain()}).
   */
  public void run(BooleanSupplier running) {
    if (loop(running)) {
      drain();
    }
  }

  /**
   * Runs cycles until a cycle finds nothing due: a stop relays what the endpoints committed before
   * it, instead of leaving it to the next dispatcher. It ends early when interrupted (the stop's
   * grace ran out) or when a cycle fails; rows whose sends fail get their back-off and are no
   * longer due, so a destination that is down does not hold the stop.
   */
  private void drain() {
    try {
      while (!Thread.currentThread().isInterrupted() && cycle.run() > 0) {
        // more was due
      }
    } catch (RuntimeException e) {
      log.debug("Relaying what was due at stop failed; it stays pending", e);
    }
  }

  /** The cycles; returns whether they ended because {@code running} said so. */
  private boolean loop(BooleanSupplier running) {
    int failures = 0;
    while (running.getAsBoolean()) {
      long seen = outboxCommits.generation();
      try {
        int claimed = cycle.run();
        failures = 0;
        if (claimed >= settings.claimSize()) {
          continue; // more backlog: no waiting
        }
        if (outboxCommits.await(seen, settings.pollInterval())
            && !settings.batchWindow().isZero()) {
          // woken by a commit: let the commits right behind it join the same batches
          Thread.sleep(settings.batchWindow());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (RuntimeException e) {
        if (!running.getAsBoolean()) {
          return false;
        }
        failures++;
        log.warn(
            "Outbox dispatch cycle failed ({}); retrying in {} ms",
            e,
            CYCLE_BACKOFF.nominal(failures).toMillis());
        if (!CYCLE_BACKOFF.sleepAfter(failures)) {
          return false;
        }
      }
    }
    return true;
  }
}
