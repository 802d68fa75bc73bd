package dev.pump.test.internal;

import dev.pump.core.Cancellation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/** A {@link Cancellation} a test raises by hand. Thread-safe. */
public final class TestCancellation implements Cancellation {
  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;

  /** A cancellation, raised already if {@code cancelled}. */
  public TestCancellation(boolean cancelled) {
    this.cancelled = cancelled;
  }

  /** Raises it and runs the actions registered so far, on this thread. */
  public void cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = List.copyOf(actions);
      actions.clear();
    }
    toRun.forEach(Runnable::run);
  }

  @Override
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void throwIfCancelled() {
    if (isCancelled()) {
      throw new CancellationException("the message was cancelled");
    }
  }

  @Override
  public void onCancel(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }
}
