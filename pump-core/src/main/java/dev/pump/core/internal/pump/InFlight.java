package dev.pump.core.internal.pump;

import dev.pump.core.internal.concurrent.CancellationSource;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One message, or one batch of messages processed in order on one thread, in flight, with the one
 * rule stop must keep: a message thread is interrupted only while it runs the pipeline, never once
 * it settles. Socket I/O on a virtual thread closes the socket when the thread is interrupted, so
 * an interrupt during {@code complete()} or {@code abandon()} would kill the JDBC or AMQP
 * connection the settle call is using.
 *
 * <p>The phase moves RUNNING to SETTLING once; stop interrupts under the same lock, so an interrupt
 * can never land after the message thread moved on to settling. Thread-safe.
 */
final class InFlight {
  private enum Phase {
    RUNNING,
    SETTLING
  }

  private final String label;
  private final CancellationSource cancellation;
  private final ReentrantLock lock = new ReentrantLock();
  private Phase phase = Phase.RUNNING; // guarded by lock
  private Thread thread; // guarded by lock

  /** In flight: {@code label} names the message, or the batch, in logs and cancellations. */
  InFlight(String label) {
    this.label = label;
    this.cancellation = new CancellationSource(label);
  }

  /** What is in flight, for logs: "message id", or "batch of n messages from id". */
  String label() {
    return label;
  }

  CancellationSource cancellation() {
    return cancellation;
  }

  /** Records the thread that processes the message; stop interrupts only this one. */
  void runsOn(Thread messageThread) {
    lock.lock();
    try {
      thread = messageThread;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Raises the cancellation signal, then interrupts the message thread if it still runs the
   * pipeline. The signal comes first, so a handler woken by the interrupt already sees it.
   */
  void cancel() {
    cancellation.cancel();
    lock.lock();
    try {
      if (phase == Phase.RUNNING && thread != null) {
        thread.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves to settling unless cancellation was requested first, and says whether it moved. {@link
   * #cancel()} raises the signal before it takes the same lock, so a message either begins to
   * settle as handled before its cancellation (and stop's cancellation grace waits for it) or is
   * given back: a commit never begins after the cancellation. Called by the message thread.
   */
  boolean beginSettlingUnlessCancelled() {
    lock.lock();
    try {
      if (cancellation.isCancelled()) {
        return false;
      }
      phase = Phase.SETTLING;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves back to running, for the next message of a batch, unless cancellation was requested; says
   * whether it moved. Called by the message thread.
   */
  boolean beginRunningUnlessCancelled() {
    lock.lock();
    try {
      if (cancellation.isCancelled()) {
        return false;
      }
      phase = Phase.RUNNING;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** From now on stop leaves the message thread alone. Idempotent; called by that thread. */
  void beginSettling() {
    lock.lock();
    try {
      phase = Phase.SETTLING;
    } finally {
      lock.unlock();
    }
  }
}
