package dev.pump.core.spi.pipeline;

import java.util.Map;

/**
 * The message being processed, as received.
 *
 * @param messageId its id
 * @param queue the queue it was received from
 * @param headers its headers, unmodifiable
 * @param body its body; do not modify
 * @param deliveryCount how many times the transport delivered it, this time included
 */
public record IncomingMessage(
    String messageId, String queue, Map<String, String> headers, byte[] body, int deliveryCount) {
  @Override
  public String toString() {
    return "IncomingMessage[" + messageId + " from " + queue + ", #" + deliveryCount + "]";
  }
}
