package dev.pump.jdbc.internal.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One outgoing message as the outbox stores it.
 *
 * @param destination the queue, or for a publish the message type's own topic
 * @param topics for a publish, every topic it goes to (its type's, then supertypes'); null for a
 *     send
 * @param messageId the message id, fixed now so a re-send is recognised by the receiver's inbox
 * @param headers the message headers
 * @param body the serialized message
 * @param delay how long after commit the row becomes due
 * @param orderingKey rows with the same key are dispatched one batch at a time, or null
 */
public record OutboxRow(
    String destination,
    List<String> topics,
    String messageId,
    Map<String, String> headers,
    byte[] body,
    Duration delay,
    String orderingKey) {

  /** Whether this row is a publish (to topics) rather than a send (to a queue). */
  public boolean isPublish() {
    return topics != null;
  }
}
