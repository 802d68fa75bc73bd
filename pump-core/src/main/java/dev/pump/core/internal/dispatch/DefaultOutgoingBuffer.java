package dev.pump.core.internal.dispatch;

import dev.pump.core.pipeline.OutgoingBuffer;
import dev.pump.core.pipeline.PendingMessage;
import java.util.ArrayList;
import java.util.List;

/** The outgoing buffer of one attempt; handlers may send from several threads. */
public final class DefaultOutgoingBuffer implements OutgoingBuffer {
  private final List<PendingMessage> pending = new ArrayList<>();

  /** Buffers one message. */
  public synchronized void add(PendingMessage message) {
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
}
