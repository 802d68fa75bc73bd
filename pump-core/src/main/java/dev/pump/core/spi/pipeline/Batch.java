package dev.pump.core.spi.pipeline;

import dev.pump.core.Attributes;
import java.util.List;

/**
 * The messages an endpoint handles in one database transaction: those received together (see {@link
 * dev.pump.core.spi.Transport#receive(String, int, java.time.Duration, java.time.Duration)}),
 * processed in order on one thread. A message handled alone is a batch of one. Storage uses it to
 * open one transaction for the whole batch, to write the batch's inbox and outbox rows in one
 * statement each, and to commit once.
 *
 * <p>The pump completes none of the batch's handled messages before every message was processed and
 * the {@linkplain #beforeCompletion before-completion} actions succeeded; a message that failed
 * goes through recoverability on its own meanwhile. If an action throws, or the batch is cancelled
 * by stop, the handled messages are given back instead, and come back later, each alone.
 */
public interface Batch {
  /** The batch's messages, in the order they are processed. */
  List<IncomingMessage> messages();

  /** Whether this batch holds more than one message. */
  default boolean isShared() {
    return messages().size() > 1;
  }

  /** Slots shared by every message of the batch, for state that spans them (a transaction). */
  Attributes attributes();

  /**
   * Runs {@code action} once every message of the batch was processed, before any is completed
   * (commit the transaction that holds them). Actions run in the order they were registered; if one
   * throws, the rest are skipped and the batch's handled messages are given back.
   */
  void beforeCompletion(Runnable action);

  /**
   * Runs {@code action} when the batch is over, whatever happened (close the transaction). Actions
   * run in the order they were registered; a failing one is logged and the next still runs.
   */
  void onEnd(Runnable action);
}
