package dev.pump.jdbc.internal.queue;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Something waiters wait to be told about: new rows in a queue, or committed outbox rows. A waiter
 * reads {@link #generation} before it looks for work and {@linkplain #await waits} only if nothing
 * was signalled since, so a signal between an empty look and the wait is never lost. Thread-safe.
 */
public final class Signal {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation;

  /** The signal count, read before looking for work. */
  public long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter. */
  public void signal() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until signalled after {@code seen}, or {@code timeout} passes.
   *
   * @return true if signalled
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean await(long seen, Duration timeout) throws InterruptedException {
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while (generation == seen) {
        if (remaining <= 0) {
          return false;
        }
        remaining = changed.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
