package dev.pump.jdbc.internal.queue;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One message claimed from the queue table, as stored. The headers are kept as raw JSON text so a
 * row whose headers cannot be read still reaches the pump, which sends it to the error queue.
 *
 * @param id the row id
 * @param queue the queue it was claimed from
 * @param messageId the message id
 * @param headersJson the headers as stored
 * @param body the body
 * @param attempts failed attempts recorded so far
 * @param enqueuedAt when it was sent
 * @param visibleAt when it became visible: with queue and id, how the row is found again
 */
public record QueueRow(
    long id,
    String queue,
    String messageId,
    String headersJson,
    byte[] body,
    int attempts,
    Instant enqueuedAt,
    OffsetDateTime visibleAt) {}
