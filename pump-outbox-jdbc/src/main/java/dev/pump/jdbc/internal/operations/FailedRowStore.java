package dev.pump.jdbc.internal.operations;

import dev.pump.core.Headers;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.internal.sql.SqlArrays;
import dev.pump.migrations.SchemaName;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The operator's SQL over failed messages: a PostgreSQL error queue's rows ({@code queue_message})
 * and the parked outbox rows, listed by filter in row-id order (a cursor is the last row id), and
 * the moves of chosen ones. Every value is bound; filters are {@code CAST(:x AS ...) IS NULL OR
 * ...} so one statement serves every combination. Thread-safe.
 */
public final class FailedRowStore {
  private static final String TEXT_MATCH =
      " (CAST(:text AS text) IS NULL OR strpos(message_id, :text) > 0"
          + " OR EXISTS (SELECT 1 FROM jsonb_each_text(headers) AS h"
          + " WHERE strpos(h.key, :text) > 0 OR strpos(h.value, :text) > 0)"
          + " OR position(convert_to(:text, 'UTF8') IN body) > 0";

  private final String listQueue;
  private final String lockQueue;
  private final String takeQueue;
  private final String lastQueueId;
  private final String listParked;
  private final String requeueParked;

  /** Builds the statements for {@code schema} once. */
  public FailedRowStore(SchemaName schema) {
    String messages = schema.table("queue_message");
    String outbox = schema.table("outbox");
    String columns =
        "SELECT id, message_id, headers::text AS headers,"
            + " substring(body FROM 1 FOR :preview) AS preview, octet_length(body) AS size,";
    // the claim index (queue, visible_at, id) finds the queue's rows; a page sorts them by id
    this.listQueue =
        columns
            + " enqueued_at AS at, attempts, NULL AS destination, NULL AS last_error FROM "
            + messages
            + " WHERE queue = :queue AND id > :after AND (CAST(:messageId AS text) IS NULL"
            + " OR message_id = :messageId)"
            + " AND (CAST(:failedQueue AS text) IS NULL OR headers ->> :failedQueueHeader = :failedQueue)"
            + " AND (CAST(:reason AS text) IS NULL OR headers ->> :reasonHeader = :reason)"
            + " AND (CAST(:exceptionType AS text) IS NULL"
            + " OR headers ->> :exceptionTypeHeader = :exceptionType)"
            + " AND (CAST(:from AS timestamptz) IS NULL OR enqueued_at >= :from)"
            + " AND (CAST(:to AS timestamptz) IS NULL OR enqueued_at < :to) AND"
            + TEXT_MATCH
            + ") ORDER BY id LIMIT :limit";
    this.lockQueue =
        "SELECT id, message_id, headers ->> :failedQueueHeader AS origin FROM "
            + messages
            + " WHERE queue = :queue AND message_id = ANY(:ids::text[]) ORDER BY id"
            + " FOR UPDATE SKIP LOCKED";
    this.takeQueue =
        "DELETE FROM "
            + messages
            + " WHERE queue = :queue AND id = ANY(:ids::bigint[])"
            + " RETURNING id, message_id, headers::text AS headers, body";
    this.lastQueueId = "SELECT coalesce(max(id), 0) FROM " + messages + " WHERE queue = :queue";
    // the parked partial index (destination, parked_at) holds just the parked rows
    this.listParked =
        columns
            + " parked_at AS at, attempts, destination, last_error FROM "
            + outbox
            + " WHERE parked_at IS NOT NULL AND id > :after AND (CAST(:messageId AS text) IS NULL"
            + " OR message_id = :messageId)"
            + " AND (CAST(:failedQueue AS text) IS NULL OR destination = :failedQueue)"
            + " AND (CAST(:reason AS text) IS NULL OR :reason = '"
            + ParkedRows.REASON
            + "') AND CAST(:exceptionType AS text) IS NULL"
            + " AND (CAST(:from AS timestamptz) IS NULL OR parked_at >= :from)"
            + " AND (CAST(:to AS timestamptz) IS NULL OR parked_at < :to) AND"
            + TEXT_MATCH
            + " OR strpos(coalesce(last_error, ''), :text) > 0) ORDER BY id LIMIT :limit";
    // attempts restart at zero; last_error stays for the audit trail
    this.requeueParked =
        "UPDATE "
            + outbox
            + " SET parked_at = NULL, attempts = 0, due_at = now() WHERE parked_at IS NOT NULL"
            + " AND message_id = ANY(:ids::text[]) RETURNING message_id";
  }

  /** A row as listed. */
  public record Row(
      long id,
      String messageId,
      String headersJson,
      byte[] preview,
      int size,
      Instant at,
      int attempts,
      String destination,
      String lastError) {}

  /** A row of an error queue locked for a move, with the queue it failed in. */
  public record Locked(long id, String messageId, String origin) {}

  /** A row taken out of an error queue. */
  public record Taken(long id, String messageId, String headersJson, byte[] body) {}

  /** The rows of {@code queue} matching {@code filter} (or one message id), up to {@code limit}. */
  public List<Row> listQueue(
      Handle handle, String queue, ErrorQueue.Filter filter, String messageId, int limit) {
    return bindFilter(handle.createQuery(listQueue), filter, messageId, limit)
        .bind("queue", queue)
        .bind("failedQueueHeader", Headers.FAILED_QUEUE)
        .bind("reasonHeader", Headers.FAILURE_REASON)
        .bind("exceptionTypeHeader", Headers.EXCEPTION_TYPE)
        .map((rs, ctx) -> row(rs))
        .list();
  }

  /** The parked rows matching {@code filter} (or one message id), up to {@code limit}. */
  public List<Row> listParked(
      Handle handle, ErrorQueue.Filter filter, String messageId, int limit) {
    return bindFilter(handle.createQuery(listParked), filter, messageId, limit)
        .map((rs, ctx) -> row(rs))
        .list();
  }

  /** Locks the rows of {@code queue} with these message ids; rows locked by others are skipped. */
  public List<Locked> lockQueue(Handle handle, String queue, List<String> ids) {
    return handle
        .createQuery(lockQueue)
        .bind("queue", queue)
        .bind("ids", SqlArrays.text(ids.toArray(String[]::new)))
        .bind("failedQueueHeader", Headers.FAILED_QUEUE)
        .map((rs, ctx) ->
            new Locked(rs.getLong("id"), rs.getString("message_id"), rs.getString("origin")))
        .list();
  }

  /** Deletes the rows {@code ids} of {@code queue}, returning them whole. */
  public List<Taken> takeQueue(Handle handle, String queue, long[] ids) {
    return handle
        .createQuery(takeQueue)
        .bind("queue", queue)
        .bind("ids", SqlArrays.bigint(ids))
        .map((rs, ctx) ->
            new Taken(
                rs.getLong("id"),
                rs.getString("message_id"),
                rs.getString("headers"),
                rs.getBytes("body")))
        .list();
  }

  /** The highest row id in {@code queue} now; 0 if it is empty. */
  public long lastQueueId(Handle handle, String queue) {
    return handle.createQuery(lastQueueId).bind("queue", queue).mapTo(Long.class).one();
  }

  /** Re-queues every parked row with these message ids; returns the ids, once per row. */
  public List<String> requeueParked(Handle handle, List<String> ids) {
    return handle
        .createQuery(requeueParked)
        .bind("ids", SqlArrays.text(ids.toArray(String[]::new)))
        .mapTo(String.class)
        .list();
  }

  private static Query bindFilter(
      Query query, ErrorQueue.Filter filter, String messageId, int limit) {
    return query
        .bind("after", Inputs.rowCursor(filter.after()))
        .bind("messageId", messageId)
        .bind("failedQueue", filter.failedQueue())
        .bind("reason", filter.reason())
        .bind("exceptionType", filter.exceptionType())
        .bind("from", utc(filter.from()))
        .bind("to", utc(filter.to()))
        .bind("text", filter.text())
        .bind("preview", ErrorQueue.BODY_PREVIEW_BYTES)
        .bind("limit", limit);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Row(
        rs.getLong("id"),
        rs.getString("message_id"),
        rs.getString("headers"),
        rs.getBytes("preview"),
        rs.getInt("size"),
        rs.getObject("at", OffsetDateTime.class).toInstant(),
        rs.getInt("attempts"),
        rs.getString("destination"),
        rs.getString("last_error"));
  }
}
