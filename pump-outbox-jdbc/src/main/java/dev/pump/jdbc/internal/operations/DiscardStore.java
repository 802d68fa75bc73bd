package dev.pump.jdbc.internal.operations;

import dev.pump.core.Headers;
import dev.pump.migrations.SchemaName;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The {@code discarded_message} table: a discard moves a message out of a PostgreSQL error queue,
 * or a parked row out of the outbox, into it in one statement, whole, with who discarded it and
 * when. Thread-safe.
 */
public final class DiscardStore {
  private final String fromErrorQueue;
  private final String fromOutbox;
  private final String list;
  private final String record;

  /** Builds the statements for {@code schema} once. */
  public DiscardStore(SchemaName schema) {
    String discarded = schema.table("discarded_message");
    String insert =
        " INSERT INTO "
            + discarded
            + " (source, location, message_id, headers, body, reason, discarded_by)";
    this.fromErrorQueue =
        "WITH gone AS (DELETE FROM "
            + schema.table("queue_message")
            + " WHERE queue = :location AND message_id = :messageId"
            + " RETURNING queue, message_id, headers, body)"
            + insert
            + " SELECT 'error-queue', queue, message_id, headers, body, headers ->> :reasonHeader,"
            + " :by FROM gone";
    this.fromOutbox =
        "WITH gone AS (DELETE FROM "
            + schema.table("outbox")
            + " WHERE id = :id AND parked_at IS NOT NULL"
            + " RETURNING destination, message_id, headers, body, last_error)"
            + insert
            + " SELECT 'outbox', destination, message_id, headers, body, last_error, :by FROM gone";
    this.record =
        insert
            + " VALUES ('error-queue', :location, :messageId, :headers::jsonb, :body, :reason, :by)";
    this.list =
        "SELECT id, source, location, message_id, reason, discarded_by, discarded_at FROM "
            + discarded
            + " ORDER BY discarded_at DESC, id DESC LIMIT :limit";
  }

  /** Moves every copy of {@code messageId} in {@code errorQueue}; returns how many. */
  public int discardFromErrorQueue(Handle handle, String errorQueue, String messageId, String by) {
    return handle
        .createUpdate(fromErrorQueue)
        .bind("location", errorQueue)
        .bind("messageId", messageId)
        .bind("reasonHeader", Headers.FAILURE_REASON)
        .bind("by", by)
        .execute();
  }

  /** Moves the outbox row {@code id} if it is parked; returns whether it was. */
  public boolean discardParked(Handle handle, long id, String by) {
    return handle.createUpdate(fromOutbox).bind("id", id).bind("by", by).execute() == 1;
  }

  /**
   * Records a message discarded from a broker's error queue (the caller takes it from the queue
   * once this committed).
   */
  public void record(
      Handle handle,
      String errorQueue,
      String messageId,
      String headersJson,
      byte[] body,
      String reason,
      String by) {
    handle
        .createUpdate(record)
        .bind("location", errorQueue)
        .bind("messageId", messageId)
        .bind("headers", headersJson)
        .bind("body", body)
        .bind("reason", reason)
        .bind("by", by)
        .execute();
  }

  /** The newest {@code limit} discards. */
  public List<Discarded> newest(Handle handle, int limit) {
    return handle
        .createQuery(list)
        .bind("limit", limit)
        .map((rs, ctx) ->
            new Discarded(
                rs.getLong("id"),
                rs.getString("source"),
                rs.getString("location"),
                rs.getString("message_id"),
                rs.getString("reason"),
                rs.getString("discarded_by"),
                rs.getObject("discarded_at", OffsetDateTime.class).toInstant()))
        .list();
  }

  /** One discard, as the audit shows it. */
  public record Discarded(
      long id,
      String source,
      String location,
      String messageId,
      String reason,
      String discardedBy,
      Instant discardedAt) {}
}
