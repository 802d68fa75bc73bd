package dev.pump.core.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One serialized message on its way to a transport. Immutable, except that the body array is
 * shared, not copied: nobody may modify it after construction.
 *
 * @param messageId the message's id, equal to its {@code pump.message-id} header
 * @param headers the message's headers
 * @param body the serialized message
 * @param delay how long after sending the message becomes visible; {@link Duration#ZERO} for at
 *     once. Needs a transport with {@link TransportCapabilities#delayedDelivery()}.
 */
public record OutgoingMessage(
    String messageId, Map<String, String> headers, byte[] body, Duration delay) {
  /** Checks the fields and makes the headers an immutable copy. */
  public OutgoingMessage {
    Objects.requireNonNull(messageId, "messageId");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
  }

  /** Returns a message that is visible at once. */
  public static OutgoingMessage of(String messageId, Map<String, String> headers, byte[] body) {
    return new OutgoingMessage(messageId, headers, body, Duration.ZERO);
  }

  /** Returns a copy of this message with other headers. */
  public OutgoingMessage withHeaders(Map<String, String> newHeaders) {
    return new OutgoingMessage(messageId, newHeaders, body, delay);
  }

  /** Returns a copy of this message with another delay. */
  public OutgoingMessage withDelay(Duration newDelay) {
    return new OutgoingMessage(messageId, headers, body, newDelay);
  }

  @Override
  public String toString() {
    return "OutgoingMessage[" + messageId + ", " + body.length + " bytes, delay " + delay + "]";
  }
}
