package dev.pump.core.spi;

import dev.pump.core.Attributes;
import java.time.Duration;
import java.util.Map;

/**
 * One message taken from a queue and not yet settled. The pump settles each at most once: {@link
 * #complete()} after success, {@link #completeAndSend} (or a send, then {@code complete()}) to move
 * it to a retry or the error queue, {@link #abandon(Duration)} when it was cancelled or its failure
 * could not be recorded before anything was settled.
 *
 * <p><b>A message is settled at most once; the first settle call wins.</b> A later call to {@code
 * complete}, {@code abandon} or {@code completeAndSend} changes nothing: it returns normally
 * (ignored) or throws {@link IllegalStateException}; it never redelivers a completed message, never
 * removes the redelivery of an abandoned one, and never breaks the connection. If the first settle
 * call fails, the pump does not try another: the message comes back when the transport's lease,
 * connection or transaction ends. The pump calls the settle methods with its thread's interrupt
 * flag cleared, and never interrupts a thread while it settles.
 *
 * <p><b>Storage seam.</b> A transport that claims messages inside a database transaction (the
 * PostgreSQL queue transport) keeps that transaction open while the message is processed: before
 * each attempt the pump calls {@link #contributeAttributes(Attributes)}, where the transport puts
 * its open transaction handle into the context's typed slots, so the unit-of-work middleware joins
 * it instead of opening its own; {@code complete()} then commits, and {@code abandon()} rolls back.
 *
 * <p>Implementations must be thread-safe; a settle call after the transport's lease expired must
 * not disturb the message's redelivery.
 */
public interface ReceivedMessage {
  /** The message id the sender gave ({@link OutgoingMessage#messageId()}). */
  String messageId();

  /** The queue the message was received from. */
  String queue();

  /** The message's headers, unmodifiable. */
  Map<String, String> headers();

  /** The message's body. Callers must not modify it. */
  byte[] body();

  /** How many times the message has been received, this time included: 1 on first delivery. */
  int deliveryCount();

  /**
   * Puts transport-owned resources (e.g. the open transaction the message was claimed in) into the
   * context's attributes before each processing attempt. The default puts nothing.
   */
  default void contributeAttributes(Attributes attributes) {}

  /**
   * Sends {@code copy} to {@code queue} and completes this message as one atomic step, where the
   * transport can: the PostgreSQL queue transport inserts the copy and deletes the original in the
   * transaction the message was claimed in. The pump uses it to move a message to the error queue
   * or to schedule its delayed retry.
   *
   * @return false if the transport cannot do both at once; the pump then sends and completes
   *     separately, and a crash in between leaves a duplicate (at least once), never a loss
   */
  default boolean completeAndSend(String queue, OutgoingMessage copy) {
    return false;
  }

  /** Acknowledges the message: removes it from its queue for good. */
  void complete();

  /**
   * Gives the message back to its queue, visible again after {@code visibilityDelay}, with its
   * delivery count kept. Transports without delayed visibility may ignore the delay.
   */
  void abandon(Duration visibilityDelay);
}
