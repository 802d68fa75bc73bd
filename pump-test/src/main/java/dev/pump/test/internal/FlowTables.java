package dev.pump.test.internal;

import dev.pump.jdbc.JdbcStorage;
import dev.pump.test.TestPump;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Every query the kit makes, in one place: over Pump's documented audit views ({@code
 * audit_outbox}, {@code audit_error_queue}) where they serve, and its tables' documented columns
 * ({@code docs/wire-format.md}, {@code docs/operations.md}) where the views do not. Only rows newer
 * than the test's marks are the test's. Thread-safe.
 */
public final class FlowTables {
  /** Rows a listing shows at most. */
  static final int LISTED = 25;

  private final Jdbi jdbi;
  private final String schema;

  /** The tables of {@code storage}'s schema. */
  public FlowTables(JdbcStorage storage) {
    this.jdbi = storage.jdbi();
    this.schema = storage.schema().value();
  }

  /** The schema's name. */
  String schema() {
    return schema;
  }

  /** Where the test's rows begin: the highest outbox and queue row ids now. */
  record Marks(long outbox, long queue) {
    static final Marks NONE = new Marks(0, 0);
  }

  Marks marks() {
    return jdbi.withHandle(h ->
        h.createQuery(
                ("SELECT (SELECT coalesce(max(id), 0) FROM \"%1$s\".outbox),"
                        + " (SELECT coalesce(max(id), 0) FROM \"%1$s\".queue_message)")
                    .formatted(schema))
            .map((rs, ctx) -> new Marks(rs.getLong(1), rs.getLong(2)))
            .one());
  }

  /**
   * Work there is to do now: outbox rows due and not dispatched nor parked, and messages visible or
   * held by a receiver in {@code queues}.
   */
  long workToDo(Collection<String> queues) {
    return jdbi.withHandle(h ->
        h.createQuery(
                ("SELECT (SELECT count(*) FROM \"%1$s\".outbox WHERE dispatched_at IS NULL"
                        + " AND parked_at IS NULL AND due_at <= now())"
                        + " + (SELECT count(*) FROM \"%1$s\".queue_message WHERE queue = ANY(:queues)"
                        + " AND (visible_at <= now() OR leased_until > now()))")
                    .formatted(schema))
            .bind("queues", queues.toArray(String[]::new))
            .mapTo(Long.class)
            .one());
  }

  /** Lines describing what is pending: outbox rows not yet sent, and messages in {@code queues}. */
  List<String> pending(Collection<String> queues) {
    return jdbi.withHandle(h -> {
      List<String> lines = new ArrayList<>();
      h.createQuery(
              ("SELECT destination, kind, message_type, message_id, attempts, last_error,"
                      + " extract(epoch FROM due_at - now()) AS due_in"
                      + " FROM \"%s\".audit_outbox WHERE state = 'pending' ORDER BY id LIMIT %d")
                  .formatted(schema, LISTED))
          .map((rs, ctx) ->
              "outbox: %s %s to %s, %s%s%s"
                  .formatted(
                      rs.getString("message_type"),
                      rs.getString("message_id"),
                      rs.getString("destination"),
                      dueIn(rs.getDouble("due_in")),
                      rs.getInt("attempts") > 0
                          ? ", " + rs.getInt("attempts") + " failed sends"
                          : "",
                      rs.getString("last_error") != null
                          ? ", last error: " + rs.getString("last_error")
                          : ""))
          .forEach(lines::add);
      h.createQuery(
              ("SELECT queue, message_id, headers ->> 'pump.enclosed-types' AS types, attempts,"
                      + " leased_until > now() AS leased,"
                      + " extract(epoch FROM visible_at - now()) AS visible_in"
                      + " FROM \"%s\".queue_message WHERE queue = ANY(:queues) ORDER BY id LIMIT %d")
                  .formatted(schema, LISTED))
          .bind("queues", queues.toArray(String[]::new))
          .map((rs, ctx) ->
              "queue %s: %s %s, %s, %d deliveries"
                  .formatted(
                      rs.getString("queue"),
                      firstType(rs.getString("types")),
                      rs.getString("message_id"),
                      rs.getBoolean("leased") ? "being handled" : dueIn(rs.getDouble("visible_in")),
                      rs.getInt("attempts")))
          .forEach(lines::add);
      return lines;
    });
  }

  private static String dueIn(double seconds) {
    return seconds <= 0
        ? "due"
        : "scheduled in " + Duration.ofMillis(Math.round(seconds * 1000)) + " (not waited for)";
  }

  List<TestPump.OutboxMessage> outbox(Marks marks) {
    return jdbi.withHandle(h ->
        h.createQuery(
                ("SELECT endpoint, kind, destination, message_type, message_id, causation_id,"
                        + " ARRAY(SELECT key FROM jsonb_each_text(headers) ORDER BY key) AS names,"
                        + " ARRAY(SELECT value FROM jsonb_each_text(headers) ORDER BY key) AS vals,"
                        + " body_json::text AS body, state, due_at, attempts, last_error"
                        + " FROM \"%s\".audit_outbox WHERE id > :mark ORDER BY id")
                    .formatted(schema))
            .bind("mark", marks.outbox())
            .map((rs, ctx) ->
                new TestPump.OutboxMessage(
                    rs.getString("endpoint"),
                    rs.getString("kind"),
                    rs.getString("destination"),
                    rs.getString("message_type"),
                    rs.getString("message_id"),
                    rs.getString("causation_id"),
                    headers(rs),
                    rs.getString("body"),
                    rs.getString("state"),
                    instant(rs.getTimestamp("due_at")),
                    rs.getInt("attempts"),
                    rs.getString("last_error")))
            .list());
  }

  /** A stored message: its type names (enclosed types) and its body. */
  record Body(List<String> types, byte[] body) {}

  /** Bodies of outbox rows of {@code kind}, to {@code destination} if not null, in order. */
  List<Body> bodies(Marks marks, String kind, String destination) {
    return jdbi.withHandle(h ->
        h.createQuery(
                ("SELECT headers ->> 'pump.enclosed-types' AS types, body FROM \"%s\".outbox"
                        + " WHERE id > :mark AND kind = :kind"
                        + " AND (CAST(:destination AS text) IS NULL OR destination = :destination)"
                        + " ORDER BY id")
                    .formatted(schema))
            .bind("mark", marks.outbox())
            .bind("kind", kind)
            .bind("destination", destination)
            .map((rs, ctx) -> {
              String types = rs.getString("types");
              return new Body(
                  types == null ? List.of() : List.of(types.split(";")), rs.getBytes("body"));
            })
            .list());
  }

  List<TestPump.FailedMessage> errorQueue(Marks marks) {
    return jdbi.withHandle(h ->
        h.createQuery(
                ("SELECT error_queue, failed_queue, message_type, message_id, reason,"
                        + " exception_type, exception_message,"
                        + " ARRAY(SELECT key FROM jsonb_each_text(headers) ORDER BY key) AS names,"
                        + " ARRAY(SELECT value FROM jsonb_each_text(headers) ORDER BY key) AS vals,"
                        + " body_json::text AS body"
                        + " FROM \"%s\".audit_error_queue WHERE id > :mark ORDER BY id")
                    .formatted(schema))
            .bind("mark", marks.queue())
            .map((rs, ctx) -> failed(rs))
            .list());
  }

  /** The latest error-queue copy of {@code messageId} that failed in {@code queue}, if any. */
  Optional<TestPump.FailedMessage> errorQueueCopy(Marks marks, String messageId, String queue) {
    return jdbi.withHandle(h ->
        h.createQuery(
                ("SELECT error_queue, failed_queue, message_type, message_id, reason,"
                        + " exception_type, exception_message,"
                        + " ARRAY(SELECT key FROM jsonb_each_text(headers) ORDER BY key) AS names,"
                        + " ARRAY(SELECT value FROM jsonb_each_text(headers) ORDER BY key) AS vals,"
                        + " body_json::text AS body FROM \"%s\".audit_error_queue"
                        + " WHERE id > :mark AND message_id = :id AND failed_queue = :queue"
                        + " ORDER BY id DESC LIMIT 1")
                    .formatted(schema))
            .bind("mark", marks.queue())
            .bind("id", messageId)
            .bind("queue", queue)
            .map((rs, ctx) -> failed(rs))
            .findOne());
  }

  /**
   * Makes every pending outbox row due, and every queued message visible, {@code by} earlier.
   *
   * @return the queues whose messages moved
   */
  List<String> shift(Duration by) {
    double seconds = by.getSeconds() + by.getNano() / 1e9;
    return jdbi.inTransaction(h -> {
      h.createUpdate(
              ("UPDATE \"%s\".outbox SET due_at = due_at - make_interval(secs => :seconds)"
                      + " WHERE dispatched_at IS NULL AND parked_at IS NULL")
                  .formatted(schema))
          .bind("seconds", seconds)
          .execute();
      return h.createQuery(
              ("WITH moved AS (UPDATE \"%s\".queue_message"
                      + " SET visible_at = visible_at - make_interval(secs => :seconds)"
                      + " RETURNING queue) SELECT DISTINCT queue FROM moved")
                  .formatted(schema))
          .bind("seconds", seconds)
          .mapTo(String.class)
          .list();
    });
  }

  /**
   * Wakes the receivers of {@code queues} in every process, on the channel {@code
   * docs/wire-format.md} documents for producers that are not Pump.
   */
  void notifyQueues(Collection<String> queues) {
    if (queues.isEmpty()) {
      return;
    }
    String channel = "pump_queue_" + schema;
    if (channel.length() > 63) {
      channel = channel.substring(0, 50) + "_" + Integer.toHexString(schema.hashCode());
    }
    String notified = channel;
    jdbi.useHandle(h ->
        h.createQuery("SELECT count(pg_notify(:channel, q)) FROM unnest(:queues) AS q")
            .bind("channel", notified)
            .bind("queues", queues.toArray(String[]::new))
            .mapTo(Long.class)
            .one());
  }

  /** Empties every table of the schema but its migration history. */
  void truncate() {
    jdbi.useHandle(h -> {
      List<String> tables =
          h.createQuery(
                  "SELECT tablename FROM pg_tables WHERE schemaname = :schema"
                      + " AND tablename <> 'pump_schema_history' ORDER BY tablename")
              .bind("schema", schema)
              .mapTo(String.class)
              .list();
      if (!tables.isEmpty()) {
        h.execute(
            "TRUNCATE "
                + String.join(", ", tables.stream().map(t -> "\"" + schema + "\"." + t).toList())
                + " RESTART IDENTITY");
      }
    });
  }

  private static TestPump.FailedMessage failed(ResultSet rs) throws SQLException {
    return new TestPump.FailedMessage(
        rs.getString("error_queue"),
        rs.getString("failed_queue"),
        rs.getString("message_type"),
        rs.getString("message_id"),
        rs.getString("reason"),
        rs.getString("exception_type"),
        rs.getString("exception_message"),
        headers(rs),
        rs.getString("body"));
  }

  private static Map<String, String> headers(ResultSet rs) throws SQLException {
    String[] names = strings(rs.getArray("names"));
    String[] values = strings(rs.getArray("vals"));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      headers.put(names[i], values[i]);
    }
    return java.util.Collections.unmodifiableMap(headers);
  }

  private static String[] strings(Array array) throws SQLException {
    return array == null ? new String[0] : (String[]) array.getArray();
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  static String firstType(String enclosedTypes) {
    if (enclosedTypes == null || enclosedTypes.isEmpty()) {
      return "(no type)";
    }
    int end = enclosedTypes.indexOf(';');
    return end < 0 ? enclosedTypes : enclosedTypes.substring(0, end);
  }
}
