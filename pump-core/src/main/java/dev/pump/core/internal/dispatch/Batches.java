package dev.pump.core.internal.dispatch;

import dev.pump.core.spi.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;

/** Splits one destination's messages into batches bounded by count and body bytes. */
public final class Batches {
  private Batches() {}

  /**
   * Splits {@code messages}, keeping their order, into batches of at most {@code maxMessages}
   * messages and {@code maxBytes} body bytes; a single message larger than {@code maxBytes} forms a
   * batch of its own rather than being refused here (the transport judges its size).
   */
  public static List<List<OutgoingMessage>> split(
      List<OutgoingMessage> messages, int maxMessages, long maxBytes) {
    List<List<OutgoingMessage>> batches = new ArrayList<>();
    List<OutgoingMessage> current = new ArrayList<>();
    long currentBytes = 0;
    for (OutgoingMessage message : messages) {
      int size = message.body().length;
      if (!current.isEmpty() && (current.size() == maxMessages || currentBytes + size > maxBytes)) {
        batches.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(message);
      currentBytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }
}
