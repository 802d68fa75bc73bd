package dev.pump.core.internal.dispatch;

import dev.pump.core.pipeline.PendingMessage;
import dev.pump.core.transport.Destination;
import dev.pump.core.transport.OutgoingMessage;
import dev.pump.core.transport.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands outgoing messages to the transport: grouped by destination, split into batches bounded by
 * count and bytes, one transport call per batch. Every send goes through here, so the "penny
 * pinching" rule (never one broker operation per message when one per batch will do) holds for
 * handlers, retries and endpoint-level sends alike. Thread-safe.
 */
public final class TransportDispatcher {
  private final Transport transport;
  private final int maxBatchMessages;
  private final long maxBatchBytes;

  /** Creates a dispatcher onto {@code transport}. */
  public TransportDispatcher(Transport transport, int maxBatchMessages, long maxBatchBytes) {
    this.transport = transport;
    this.maxBatchMessages = maxBatchMessages;
    this.maxBatchBytes = maxBatchBytes;
  }

  /** Sends every pending message; on failure, some batches may have left and some not. */
  public void dispatch(List<PendingMessage> pending) {
    Map<Destination, List<OutgoingMessage>> byDestination = new LinkedHashMap<>();
    for (PendingMessage p : pending) {
      byDestination.computeIfAbsent(p.destination(), d -> new ArrayList<>()).add(p.message());
    }
    byDestination.forEach((destination, messages) -> {
      for (List<OutgoingMessage> batch : Batches.split(messages, maxBatchMessages, maxBatchBytes)) {
        switch (destination) {
          case Destination.Queue queue -> transport.send(queue.name(), batch);
          case Destination.Topics topics -> transport.publish(topics.topics(), batch);
        }
      }
    });
  }

  /** The transport dispatched to. */
  public Transport transport() {
    return transport;
  }
}
