package dev.pump.jdbc.internal.operations;

import dev.pump.core.Headers;
import dev.pump.jdbc.MessageTrace;
import dev.pump.jdbc.internal.sql.SqlArrays;
import dev.pump.migrations.SchemaName;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of a message's trace, three statements: the outbox rows it caused, level by level over
 * the causation index (V5); the inbox rows of it and of those, found over the primary key one
 * endpoint at a time (the endpoints walked with a loose index scan, so it needs no index on the
 * message id alone); and where any of them waits (the queue table, which is small when the system
 * keeps up, and the discards' message-id index). Thread-safe.
 */
public final class TraceQuery {
  private final String caused;
  private final String handled;
  private final String waiting;

  /** Builds the statements for {@code schema} once. */
  public TraceQuery(SchemaName schema) {
    String outbox = schema.table("outbox");
    String inbox = schema.table("inbox");
    // breadth first, so a row bound cuts the deepest levels; LIMIT stops the recursion early
    this.caused =
        "WITH RECURSIVE caused AS (SELECT 1 AS depth, id, message_id FROM "
            + outbox
            + " WHERE causation_id = :messageId"
            + " UNION ALL SELECT c.depth + 1, o.id, o.message_id FROM caused c JOIN "
            + outbox
            + " o ON o.causation_id = c.message_id WHERE c.depth < :depth)"
            + " SELECT c.depth, o.id, o.causation_id, o.message_id, o.endpoint, o.kind,"
            + " o.destination, split_part(o.headers ->> :typesHeader, ';', 1) AS message_type,"
            + " CASE WHEN o.dispatched_at IS NOT NULL THEN 'dispatched'"
            + " WHEN o.parked_at IS NOT NULL THEN 'parked' ELSE 'pending' END AS state,"
            + " o.created_at, o.dispatched_at, o.parked_at, o.attempts, o.last_error"
            + " FROM (SELECT depth, id FROM caused LIMIT :rows) AS c JOIN "
            + outbox
            + " o ON o.id = c.id ORDER BY c.depth, o.id";
    this.handled =
        "WITH RECURSIVE endpoints AS ((SELECT endpoint FROM "
            + inbox
            + " ORDER BY endpoint LIMIT 1) UNION ALL SELECT (SELECT i.endpoint FROM "
            + inbox
            + " i WHERE i.endpoint > e.endpoint ORDER BY i.endpoint LIMIT 1) FROM endpoints e"
            + " WHERE e.endpoint IS NOT NULL)"
            + " SELECT i.message_id, i.endpoint, i.processed_at, i.duplicates, i.last_duplicate_at"
            + " FROM endpoints e JOIN "
            + inbox
            + " i ON i.endpoint = e.endpoint AND i.message_id = ANY(:ids::text[])"
            + " ORDER BY i.processed_at, i.endpoint";
    this.waiting =
        "SELECT message_id, CASE WHEN headers ->> :failedQueueHeader IS NOT NULL THEN 'error-queue'"
            + " ELSE 'queue' END AS place, queue AS name, enqueued_at AS since,"
            + " headers ->> :reasonHeader AS detail FROM "
            + schema.table("queue_message")
            + " WHERE message_id = ANY(:ids::text[])"
            + " UNION ALL SELECT message_id, 'discarded', location, discarded_at, discarded_by FROM "
            + schema.table("discarded_message")
            + " WHERE message_id = ANY(:ids::text[]) ORDER BY since";
  }

  /**
   * The trace of {@code messageId}, {@code depth} levels and {@code rows} sent messages at most.
   */
  public MessageTrace trace(Handle handle, String messageId, int depth, int rows) {
    if (depth < 1 || depth > MessageTrace.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "depth must be between 1 and " + MessageTrace.MAX_DEPTH + ", was " + depth);
    }
    if (rows < 1 || rows > MessageTrace.MAX_ROWS) {
      throw new IllegalArgumentException(
          "rows must be between 1 and " + MessageTrace.MAX_ROWS + ", was " + rows);
    }
    List<MessageTrace.Sent> sent =
        new ArrayList<>(
            handle
                .createQuery(caused)
                .bind("messageId", messageId)
                .bind("depth", depth)
                .bind("rows", rows + 1)
                .bind("typesHeader", Headers.ENCLOSED_TYPES)
                .map((rs, ctx) ->
                    new MessageTrace.Sent(
                        rs.getInt("depth"),
                        rs.getLong("id"),
                        rs.getString("causation_id"),
                        rs.getString("message_id"),
                        rs.getString("endpoint"),
                        rs.getString("kind"),
                        rs.getString("destination"),
                        emptyToNull(rs.getString("message_type")),
                        rs.getString("state"),
                        instant(rs, "created_at"),
                        instant(rs, "dispatched_at"),
                        instant(rs, "parked_at"),
                        rs.getInt("attempts"),
                        rs.getString("last_error")))
                .list());
    boolean truncated = sent.size() > rows;
    if (truncated) {
      sent.removeLast();
    }
    Set<String> ids = new LinkedHashSet<>();
    ids.add(messageId);
    sent.forEach(s -> ids.add(s.messageId()));
    String[] idArray = ids.toArray(String[]::new);
    List<MessageTrace.Handled> handledRows =
        handle
            .createQuery(handled)
            .bind("ids", SqlArrays.text(idArray))
            .map((rs, ctx) ->
                new MessageTrace.Handled(
                    rs.getString("message_id"),
                    rs.getString("endpoint"),
                    instant(rs, "processed_at"),
                    rs.getInt("duplicates"),
                    instant(rs, "last_duplicate_at")))
            .list();
    List<MessageTrace.Waiting> waitingRows =
        handle
            .createQuery(waiting)
            .bind("ids", SqlArrays.text(idArray))
            .bind("failedQueueHeader", Headers.FAILED_QUEUE)
            .bind("reasonHeader", Headers.FAILURE_REASON)
            .map((rs, ctx) ->
                new MessageTrace.Waiting(
                    rs.getString("message_id"),
                    rs.getString("place"),
                    rs.getString("name"),
                    instant(rs, "since"),
                    rs.getString("detail")))
            .list();
    return new MessageTrace(messageId, handledRows, sent, waitingRows, truncated);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static Instant instant(java.sql.ResultSet rs, String column)
      throws java.sql.SQLException {
    OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }
}
