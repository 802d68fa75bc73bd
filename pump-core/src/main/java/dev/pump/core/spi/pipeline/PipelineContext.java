package dev.pump.core.spi.pipeline;

import dev.pump.core.Context;

/**
 * What middleware sees of one message: the handler's {@link Context}, plus the raw incoming
 * message, the deserialized message object and the buffer of outgoing messages. A fresh context is
 * made for every attempt, so an immediate retry starts with an empty buffer. Thread-safe.
 */
public interface PipelineContext extends Context {
  /** The message as received. */
  IncomingMessage incoming();

  /**
   * The deserialized message, or {@code null} before the {@value Middleware#DESERIALIZE} link ran.
   */
  Object message();

  /**
   * Sets the message object; the {@value Middleware#DESERIALIZE} link does, and skips its work if
   * an earlier link already did (e.g. one that reads a legacy format).
   */
  void setMessage(Object message);

  /** The messages sent so far with batched dispatch. */
  OutgoingBuffer outgoing();

  /** The batch this message is handled in: itself alone, or the messages received with it. */
  Batch batch();
}
