package dev.pump.jdbc.internal.queue;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Wakes receivers waiting for a queue, one {@link Signal} per queue: a local send after commit and
 * a NOTIFY from another process both {@link #signal} the queue. A receiver reads {@link
 * #generation} before it looks for a message, and waits only if nothing was signalled since, so a
 * signal that arrives between an empty claim and the wait is never lost. Thread-safe.
 */
public final class Wakeups {
  private final ConcurrentMap<String, Signal> signals = new ConcurrentHashMap<>();

  /** The queue's signal count, read before looking for messages. */
  public long generation(String queue) {
    return signalOf(queue).generation();
  }

  /** Wakes every receiver waiting for {@code queue}. */
  public void signal(String queue) {
    signalOf(queue).signal();
  }

  /**
   * Wakes the receivers of {@code queue} if anyone here ever waited for it; notifications for
   * queues this process does not receive from leave no trace.
   */
  public void signalIfWaited(String queue) {
    Signal signal = signals.get(queue);
    if (signal != null) {
      signal.signal();
    }
  }

  /**
   * Wakes every receiver of every queue (after a reconnect, notifications may have been missed).
   */
  public void signalAll() {
    signals.values().forEach(Signal::signal);
  }

  /**
   * Waits until {@code queue} is signalled after {@code seen}, or {@code timeout} passes.
   *
   * @return true if signalled
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean await(String queue, long seen, Duration timeout) throws InterruptedException {
    return signalOf(queue).await(seen, timeout);
  }

  private Signal signalOf(String queue) {
    return signals.computeIfAbsent(queue, q -> new Signal());
  }
}
