package dev.pump.core.internal.concurrent;

import dev.pump.core.Cancellation;
import dev.pump.core.PumpException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a future on behalf of a handler, so that the message's cancellation and the thread's
 * interrupt both end the wait and cancel the work behind it: Java's equivalent of awaiting a task
 * with a cancellation token.
 */
public final class Waiting {
  private Waiting() {}

  /**
   * Waits for {@code future} for at most {@code timeout} ({@code null}: no limit), cancelling it on
   * timeout, on cancellation of the message and on interrupt.
   */
  public static <T> T await(Future<T> future, Duration timeout, Cancellation cancellation)
      throws Exception {
    cancellation.onCancel(() -> future.cancel(true));
    try {
      return timeout == null ? future.get() : future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      TimeoutException timedOut = new TimeoutException("no result within " + timeout);
      timedOut.initCause(e);
      throw timedOut;
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (CancellationException e) {
      cancellation.throwIfCancelled();
      throw e;
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  private static Exception unwrap(Throwable cause) {
    if (cause instanceof Exception exception) {
      return exception;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new PumpException("the awaited work failed", cause);
  }
}
