package dev.pump.test.internal;

import dev.pump.core.Headers;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.ProcessOutcome;
import dev.pump.core.spi.telemetry.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The kit's telemetry on every endpoint: it counts the messages being processed, so that the idle
 * check knows of work between a receive and its commit, and records each message that failed this
 * round (a delayed retry or the error queue) with what it threw. Every change wakes {@link
 * #awaitChange}. Thread-safe.
 */
public final class Recorder implements Telemetry {
  /**
   * A message that failed this round, as the pump reported it.
   *
   * @param endpoint the endpoint
   * @param messageType the first name of its enclosed-types header, or null
   * @param messageId its id
   * @param parked true if it went to the error queue, false if it waits for a delayed retry
   * @param exception what the last attempt threw, or null
   */
  public record Failed(
      String endpoint, String messageType, String messageId, boolean parked, Throwable exception) {}

  private final List<Failed> failures = new ArrayList<>();
  private long version;
  private int processing;

  @Override
  public ProcessObservation processing(String endpoint, String system, IncomingMessage message) {
    synchronized (this) {
      processing++;
      changed();
    }
    return (outcome, failure) -> ended(endpoint, message, outcome, failure);
  }

  private synchronized void ended(
      String endpoint, IncomingMessage message, ProcessOutcome outcome, Throwable failure) {
    processing--;
    if (outcome == ProcessOutcome.DELAYED_RETRY || outcome == ProcessOutcome.ERROR_QUEUE) {
      failures.add(
          new Failed(
              endpoint,
              typeOf(message),
              message.messageId(),
              outcome == ProcessOutcome.ERROR_QUEUE,
              failure));
    }
    changed();
  }

  private void changed() {
    version++;
    notifyAll();
  }

  /** A number that changes whenever a message starts or ends processing. */
  public synchronized long version() {
    return version;
  }

  /** How many messages are being processed now. */
  public synchronized int processing() {
    return processing;
  }

  /** The failures recorded since the last call, oldest first; forgets them. */
  public synchronized List<Failed> takeFailures() {
    List<Failed> taken = List.copyOf(failures);
    failures.clear();
    return taken;
  }

  /** Forgets the failures recorded so far. */
  public synchronized void reset() {
    failures.clear();
  }

  /**
   * Waits until the version differs from {@code seen}, or {@code timeout} passed.
   *
   * @throws InterruptedException if interrupted
   */
  public synchronized void awaitChange(long seen, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    long left;
    while (version == seen && (left = end - System.nanoTime()) > 0) {
      wait(Math.max(1, left / 1_000_000));
    }
  }

  private static String typeOf(IncomingMessage message) {
    String enclosed = message.headers().get(Headers.ENCLOSED_TYPES);
    if (enclosed == null || enclosed.isEmpty()) {
      return null;
    }
    int end = enclosed.indexOf(';');
    return end < 0 ? enclosed : enclosed.substring(0, end);
  }
}
