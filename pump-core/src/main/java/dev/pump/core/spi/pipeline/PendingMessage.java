package dev.pump.core.spi.pipeline;

import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;

/**
 * A message a handler sent and that has not left yet.
 *
 * @param destination where it goes
 * @param message the serialized message
 */
public record PendingMessage(Destination destination, OutgoingMessage message) {}
