package dev.pump.core.internal.dispatch;

import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.telemetry.SendObservation;
import dev.pump.core.spi.telemetry.Telemetry;
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
  private static final int FIRST_IDS = 3;

  private final Transport transport;
  private final int maxBatchMessages;
  private final long maxBatchBytes;
  private final Telemetry telemetry;

  /** Creates a dispatcher onto {@code transport}, telling {@code telemetry} of every batch. */
  public TransportDispatcher(
      Transport transport, int maxBatchMessages, long maxBatchBytes, Telemetry telemetry) {
    this.transport = transport;
    this.maxBatchMessages = maxBatchMessages;
    this.maxBatchBytes = maxBatchBytes;
    this.telemetry = telemetry;
  }

  /**
   * Sends every pending message; on failure, some batches may have left and some not.
   *
   * @throws TransportException naming the destination, the batch's size, its first message ids and
   *     which batch failed; the transport's exception is the cause
   */
  public void dispatch(List<PendingMessage> pending) {
    Map<Destination, List<OutgoingMessage>> byDestination = new LinkedHashMap<>();
    for (PendingMessage p : pending) {
      byDestination.computeIfAbsent(p.destination(), d -> new ArrayList<>()).add(p.message());
    }
    byDestination.forEach((destination, messages) -> {
      List<List<OutgoingMessage>> batches =
          Batches.split(messages, maxBatchMessages, maxBatchBytes);
      for (int i = 0; i < batches.size(); i++) {
        List<OutgoingMessage> batch = batches.get(i);
        SendObservation observation =
            telemetry.sending(transport.messagingSystem(), destination, batch);
        try {
          switch (destination) {
            case Destination.Queue queue -> transport.send(queue.name(), batch);
            case Destination.Topics topics -> transport.publish(topics.topics(), batch);
          }
          observation.ended(null);
        } catch (RuntimeException e) {
          observation.ended(e);
          throw new TransportException(failure(destination, batch, i, batches.size(), e), e);
        }
      }
    });
  }

  // Says what to look for: where, how many, which ids, and how much of the destination had left.
  private static String failure(
      Destination destination,
      List<OutgoingMessage> batch,
      int index,
      int batches,
      RuntimeException cause) {
    List<String> ids = batch.stream().limit(FIRST_IDS).map(OutgoingMessage::messageId).toList();
    return "sending a batch of "
        + batch.size()
        + " message(s) to "
        + destination
        + " failed (ids "
        + String.join(", ", ids)
        + (batch.size() > FIRST_IDS ? ", ..." : "")
        + "; batch "
        + (index + 1)
        + " of "
        + batches
        + " to this destination, the earlier ones were sent): "
        + cause.getMessage();
  }

  /** The transport dispatched to. */
  public Transport transport() {
    return transport;
  }
}
