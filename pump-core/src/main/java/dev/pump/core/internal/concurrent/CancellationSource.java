package dev.pump.core.internal.concurrent;

import dev.pump.core.Cancellation;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/** The cancellation signal of one message, raised by the pump when stop runs out of grace. */
public final class CancellationSource implements Cancellation {
  private final CompletableFuture<Void> signal = new CompletableFuture<>();
  private final String description;

  /** Creates a signal; {@code description} names the message in exceptions. */
  public CancellationSource(String description) {
    this.description = description;
  }

  /** Raises the signal and runs the registered actions. Idempotent. */
  public void cancel() {
    signal.complete(null);
  }

  @Override
  public boolean isCancelled() {
    return signal.isDone();
  }

  @Override
  public void throwIfCancelled() {
    if (isCancelled()) {
      throw new CancellationException(description + " was cancelled: the endpoint is stopping");
    }
  }

  @Override
  public void onCancel(Runnable action) {
    signal.thenRun(action);
  }
}
