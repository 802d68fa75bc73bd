package dev.pump.jdbc.internal.outbox;

import dev.pump.core.Headers;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.PendingMessage;
import java.util.ArrayList;
import java.util.List;

/** Turns what a handler (or a session) sent into outbox rows. */
public final class OutboxRows {
  private OutboxRows() {}

  /** One row per pending message, in send order. */
  public static List<OutboxRow> of(List<PendingMessage> pending) {
    List<OutboxRow> rows = new ArrayList<>(pending.size());
    for (PendingMessage message : pending) {
      rows.add(of(message.destination(), message.message()));
    }
    return rows;
  }

  /** The row of one message to one destination. */
  public static OutboxRow of(Destination destination, OutgoingMessage message) {
    return switch (destination) {
      case Destination.Queue queue ->
          new OutboxRow(
              queue.name(),
              null,
              message.messageId(),
              message.headers(),
              message.body(),
              message.delay(),
              message.headers().get(Headers.ORDERING_KEY));
      case Destination.Topics topics ->
          new OutboxRow(
              topics.topics().getFirst(),
              topics.topics(),
              message.messageId(),
              message.headers(),
              message.body(),
              message.delay(),
              message.headers().get(Headers.ORDERING_KEY));
    };
  }
}
