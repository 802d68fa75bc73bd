package dev.pump.core.pipeline;

import dev.pump.core.transport.Destination;
import dev.pump.core.transport.OutgoingMessage;

/**
 * A message a handler sent and that has not left yet.
 *
 * @param destination where it goes
 * @param message the serialized message
 */
public record PendingMessage(Destination destination, OutgoingMessage message) {}
