package dev.pump.cli.database;

import dev.pump.migrations.SchemaName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What became of one message and what it caused, read from Pump's tables and audit views: the
 * outbox row that sent it, the inboxes that handled it, the queues (error queues included) that
 * hold it, its discards, and then the same for every message it caused (outbox rows whose {@code
 * causation_id} is its id), level by level. Each level is five queries over all its messages at
 * once. Rows past the retention windows are purged, so an old trace is partial.
 *
 * <p>The CLI's own query until {@code PumpOperations} offers a trace: replace {@link #trace} with
 * that call and map its records to {@link Trace}.
 */
public final class TraceQuery {
  /** The most messages one trace reads: {@value}. */
  public static final int MAX_MESSAGES = 500;

  private final Jdbi jdbi;
  private final SchemaName schema;

  /** A trace over {@code schema}. */
  public TraceQuery(Jdbi jdbi, SchemaName schema) {
    this.jdbi = jdbi;
    this.schema = schema;
  }

  /**
   * One message and what it caused.
   *
   * @param messageId the message id
   * @param sent the outbox rows that sent it (one, unless the same id was sent again)
   * @param handled the endpoints whose inbox recorded it
   * @param queued its copies waiting in a PostgreSQL queue, error queues included
   * @param discarded its copies an operator discarded
   * @param caused the messages its handlers sent, traced the same way
   * @param more whether it caused messages beyond the depth or {@link #MAX_MESSAGES}, not shown
   */
  public record Trace(
      String messageId,
      List<Sent> sent,
      List<Handled> handled,
      List<Queued> queued,
      List<Discarded> discarded,
      List<Trace> caused,
      boolean more) {
    /** Whether nothing at all was found of the message. */
    public boolean empty() {
      return sent.isEmpty() && handled.isEmpty() && queued.isEmpty() && discarded.isEmpty();
    }
  }

  /** An outbox row of the message: who sent it, because of what, where, and what became of it. */
  public record Sent(
      long outboxId,
      String endpoint,
      String causationId,
      String kind,
      String destination,
      String messageType,
      String state,
      int attempts,
      String lastError,
      Instant createdAt,
      Instant dispatchedAt,
      Instant parkedAt) {}

  /** An inbox row: the endpoint handled the message then, and skipped so many copies. */
  public record Handled(String endpoint, Instant processedAt, int duplicates) {}

  /** A copy in a queue; in an error queue when {@code failedQueue} is set. */
  public record Queued(
      String queue,
      String failedQueue,
      String reason,
      String exceptionMessage,
      int attempts,
      Instant enqueuedAt) {}

  /** A copy an operator discarded. */
  public record Discarded(
      String source, String location, String reason, String discardedBy, Instant discardedAt) {}

  private static final class Node {
    final List<Sent> sent = new ArrayList<>();
    final List<Handled> handled = new ArrayList<>();
    final List<Queued> queued = new ArrayList<>();
    final List<Discarded> discarded = new ArrayList<>();
    final List<String> caused = new ArrayList<>();
    boolean more;
  }

  /**
   * Traces {@code messageId} down to {@code depth} levels of caused messages (0: the message
   * alone).
   */
  public Trace trace(String messageId, int depth) {
    return jdbi.withHandle(handle -> {
      Map<String, Node> nodes = new LinkedHashMap<>();
      nodes.put(messageId, new Node());
      List<String> level = List.of(messageId);
      for (int d = 0; !level.isEmpty(); d++) {
        read(handle, level, nodes);
        Set<String> next = new LinkedHashSet<>();
        for (String[] edge : causedBy(handle, level)) {
          Node parent = nodes.get(edge[0]);
          if (nodes.containsKey(edge[1]) || parent.caused.contains(edge[1])) {
            continue;
          }
          if (d >= depth || nodes.size() + next.size() >= MAX_MESSAGES) {
            parent.more = true;
            continue;
          }
          parent.caused.add(edge[1]);
          next.add(edge[1]);
        }
        next.forEach(id -> nodes.put(id, new Node()));
        level = List.copyOf(next);
      }
      return assemble(messageId, nodes);
    });
  }

  private static Trace assemble(String id, Map<String, Node> nodes) {
    Node node = nodes.get(id);
    return new Trace(
        id,
        List.copyOf(node.sent),
        List.copyOf(node.handled),
        List.copyOf(node.queued),
        List.copyOf(node.discarded),
        node.caused.stream().map(child -> assemble(child, nodes)).toList(),
        node.more);
  }

  private void read(Handle handle, List<String> ids, Map<String, Node> nodes) {
    handle
        .createQuery(
            "SELECT id, endpoint, causation_id, kind, destination, message_id, message_type, state,"
                + " attempts, last_error, created_at, dispatched_at, parked_at FROM "
                + schema.table("audit_outbox")
                + " WHERE message_id = ANY (:ids) ORDER BY id")
        .bindArray("ids", String.class, ids)
        .map((rs, ctx) -> {
          nodes
              .get(rs.getString("message_id"))
              .sent
              .add(
                  new Sent(
                      rs.getLong("id"),
                      rs.getString("endpoint"),
                      rs.getString("causation_id"),
                      rs.getString("kind"),
                      rs.getString("destination"),
                      rs.getString("message_type"),
                      rs.getString("state"),
                      rs.getInt("attempts"),
                      rs.getString("last_error"),
                      instant(rs, "created_at"),
                      instant(rs, "dispatched_at"),
                      instant(rs, "parked_at")));
          return 0;
        })
        .list();
    handle
        .createQuery(
            "SELECT endpoint, message_id, processed_at, duplicates FROM "
                + schema.table("inbox")
                + " WHERE message_id = ANY (:ids) ORDER BY processed_at, endpoint")
        .bindArray("ids", String.class, ids)
        .map((rs, ctx) -> {
          nodes
              .get(rs.getString("message_id"))
              .handled
              .add(
                  new Handled(
                      rs.getString("endpoint"),
                      instant(rs, "processed_at"),
                      rs.getInt("duplicates")));
          return 0;
        })
        .list();
    handle
        .createQuery(
            "SELECT queue, message_id, headers ->> 'pump.failure.queue' AS failed_queue,"
                + " headers ->> 'pump.failure.reason' AS reason,"
                + " headers ->> 'pump.failure.exception-message' AS exception_message,"
                + " attempts, enqueued_at FROM "
                + schema.table("queue_message")
                + " WHERE message_id = ANY (:ids) ORDER BY id")
        .bindArray("ids", String.class, ids)
        .map((rs, ctx) -> {
          nodes
              .get(rs.getString("message_id"))
              .queued
              .add(
                  new Queued(
                      rs.getString("queue"),
                      rs.getString("failed_queue"),
                      rs.getString("reason"),
                      rs.getString("exception_message"),
                      rs.getInt("attempts"),
                      instant(rs, "enqueued_at")));
          return 0;
        })
        .list();
    handle
        .createQuery(
            "SELECT source, location, message_id, reason, discarded_by, discarded_at FROM "
                + schema.table("discarded_message")
                + " WHERE message_id = ANY (:ids) ORDER BY id")
        .bindArray("ids", String.class, ids)
        .map((rs, ctx) -> {
          nodes
              .get(rs.getString("message_id"))
              .discarded
              .add(
                  new Discarded(
                      rs.getString("source"),
                      rs.getString("location"),
                      rs.getString("reason"),
                      rs.getString("discarded_by"),
                      instant(rs, "discarded_at")));
          return 0;
        })
        .list();
  }

  /** (causation id, message id) of the outbox rows the messages caused, in the order written. */
  private List<String[]> causedBy(Handle handle, List<String> ids) {
    return handle
        .createQuery(
            "SELECT causation_id, message_id FROM "
                + schema.table("outbox")
                + " WHERE causation_id = ANY (:ids) ORDER BY id")
        .bindArray("ids", String.class, ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
        .list();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }
}
