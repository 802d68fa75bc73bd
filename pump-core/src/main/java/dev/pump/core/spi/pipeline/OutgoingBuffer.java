package dev.pump.core.spi.pipeline;

import java.util.List;

/**
 * The messages a handler sent with batched dispatch, waiting for the message to succeed. Whoever
 * drains the buffer owns its contents: the {@value Middleware#DISPATCH_OUTGOING} link hands them to
 * the transport, and a storage module's outbox link writes them into the outbox table inside the
 * handler's transaction. Thread-safe.
 *
 * <p>When the whole chain has returned, the pump seals the attempt's buffer: anything still in it
 * was sent after the last drain and would never leave, so it fails the attempt (unrecoverably, to
 * the error queue), and a send after that throws. Send before {@code next.proceed()} returns.
 */
public interface OutgoingBuffer {
  /** Removes and returns everything buffered, in send order. */
  List<PendingMessage> drain();

  /** How many messages are buffered. */
  int size();
}
