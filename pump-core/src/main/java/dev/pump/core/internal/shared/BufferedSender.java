package dev.pump.core.internal.shared;

import dev.pump.core.MessageSender;
import dev.pump.core.spi.pipeline.OutgoingBuffer;

/**
 * A sender that keeps what it is given instead of sending it: each send is routed, serialized and
 * given its headers and id at once, then waits in {@link #outgoing()} until its owner drains it.
 * The storage module drains it into the outbox inside the application's own transaction (the
 * transactional session). Thread-safe.
 */
public interface BufferedSender extends MessageSender {
  /** The messages sent so far and not yet drained. */
  OutgoingBuffer outgoing();
}
