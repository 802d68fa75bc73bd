package dev.pump.jdbc.internal.outbox;

import java.util.List;

/**
 * One pending outbox row claimed by a dispatcher.
 *
 * @param id the row id
 * @param publish whether it is a publish (to {@code topics}) rather than a send (to a queue)
 * @param destination the queue, or the message type's own topic
 * @param topics every topic of a publish, null for a send
 * @param messageId the message id
 * @param headersJson the headers as stored
 * @param body the body
 * @param attempts failed attempts so far
 * @param orderingKey rows with one key are dispatched in order, one batch at a time; or null
 */
public record PendingRow(
    long id,
    boolean publish,
    String destination,
    List<String> topics,
    String messageId,
    String headersJson,
    byte[] body,
    int attempts,
    String orderingKey) {

  /** The bytes this row adds to a batch: body plus headers. */
  public long size() {
    return (long) body.length + headersJson.length();
  }

  /** Rows with equal keys go to the same place and may share a batch. */
  public String destinationKey() {
    return publish ? "publish:" + String.join(",", topics) : "send:" + destination;
  }
}
