package dev.pump.core;

import java.util.concurrent.CancellationException;

/**
 * The cancellation signal of one message: raised when the endpoint stops and the message's grace
 * period ran out. Its thread is interrupted at the same moment, so blocking calls end early; code
 * that does not block (a compute loop) checks {@link #isCancelled()} now and then.
 *
 * <p>A cancelled message is abandoned, not retried: it is received again later. Thread-safe.
 */
public interface Cancellation {
  /** Returns whether cancellation was requested. */
  boolean isCancelled();

  /**
   * Throws if cancellation was requested.
   *
   * @throws CancellationException if {@link #isCancelled()}
   */
  void throwIfCancelled();

  /**
   * Runs {@code action} once when cancellation is requested, on the thread that requests it, or at
   * once on this thread if it already was. Keep the action short and non-blocking.
   */
  void onCancel(Runnable action);
}
