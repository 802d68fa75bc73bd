package dev.pump.core.internal.dispatch;

import dev.pump.core.PumpException;
import dev.pump.core.spi.pipeline.OutgoingBuffer;
import dev.pump.core.spi.pipeline.PendingMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The outgoing buffer of one attempt; handlers may send from several threads. Once the attempt's
 * chain returned, the pump {@linkplain #seal seals} it: later sends fail loudly instead of waiting
 * in a buffer nobody drains again.
 */
public final class DefaultOutgoingBuffer implements OutgoingBuffer {
  private final List<PendingMessage> pending = new ArrayList<>();
  private String sealedBecause; // guarded by this

  /**
   * Buffers one message.
   *
   * @throws PumpException if the buffer was sealed
   */
  public synchronized void add(PendingMessage message) {
    if (sealedBecause != null) {
      throw new PumpException(
          "cannot send " + message.message().messageId() + ": " + sealedBecause);
    }
    pending.add(message);
  }

  @Override
  public synchronized List<PendingMessage> drain() {
    List<PendingMessage> drained = List.copyOf(pending);
    pending.clear();
    return drained;
  }

  @Override
  public synchronized int size() {
    return pending.size();
  }

  /**
   * Refuses every later send, with {@code reason} in the exception, and returns what is still
   * buffered (which then never leaves). Idempotent.
   */
  public synchronized List<PendingMessage> seal(String reason) {
    sealedBecause = reason;
    return drain();
  }
}
