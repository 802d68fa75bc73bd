package dev.pump.jdbc.internal.queue;

// This file is long because it is every statement of the queue_message table in one place, so the
// table's SQL (claims, counts, sends, put-backs) can be read and reviewed together.

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.internal.sql.HeadersJson;
import dev.pump.jdbc.internal.sql.SqlArrays;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the {@code queue_message} table. Every method runs on the caller's handle, inside the
 * caller's transaction; each is one statement. Thread-safe.
 *
 * <p>Nothing here notifies: a NOTIFY inside a transaction serialises commits database-wide, so the
 * transport wakes receivers after commit (in-process at once, other processes through {@link
 * Notifier}).
 */
public final class QueueStore {
  /**
   * What a send returns: each row's queue, id and visible_at (as text, exact to the microsecond).
   */
  private static final String SENT =
      " SELECT coalesce(array_agg(queue), '{}') AS queues, coalesce(array_agg(id), '{}') AS ids,"
          + " coalesce(array_agg(visible_at::text), '{}') AS ats FROM sent";

  private final String send;
  private final String publish;
  private final String claim;
  private final String claimAll;
  private final String countDelivery;
  private final String countDeliveries;
  private final String visible;
  private final String hide;
  private final String requeue;
  private final String restamp;
  private final String depths;
  private final String peek;
  private final String peekOne;

  /** Builds the statements for {@code schema} once. */
  public QueueStore(SchemaName schema) {
    String messages = schema.table("queue_message");
    String subscriptions = schema.table("subscription");
    String batch =
        " unnest(:messageIds::text[], :headers::text[], :bodies::bytea[], :delays::bigint[])"
            + " AS m(message_id, headers, body, delay_ms)";
    String columns = " (queue, message_id, headers, body, visible_at)";
    // visible from the time of the insert, not the transaction's start: a receive scans from where
    // the live messages begin (see countDelivery), and a long transaction's start lies behind it
    String values =
        " m.message_id, m.headers::jsonb, m.body,"
            + " clock_timestamp() + m.delay_ms * interval '1 millisecond'";
    this.send =
        "WITH sent AS (INSERT INTO "
            + messages
            + columns
            + " SELECT :queue,"
            + values
            + " FROM"
            + batch
            + " RETURNING queue, id, visible_at)"
            + SENT;
    this.publish =
        "WITH subscriber AS (SELECT DISTINCT queue FROM "
            + subscriptions
            + " WHERE topic = ANY(:topics::text[])),"
            + " sent AS (INSERT INTO "
            + messages
            + columns
            + " SELECT s.queue,"
            + values
            + " FROM subscriber s CROSS JOIN"
            + batch
            + " RETURNING queue, id, visible_at)"
            + SENT;
    // Counted and leased in a statement of its own, committed before the handler runs, so a
    // process that dies in the handler leaves the count behind and maxDeliveries can stop a message
    // that kills its process. The scan starts at :from (ScanStarts), the subquery is uncorrelated
    // and the row is matched on all three columns of the claim index, so that neither the dead
    // versions a long-lived snapshot keeps nor a queue's small statistics lead to a walk of the
    // whole index: docs/decisions/2026-12-06-claims-start-where-live-rows-begin.md.
    this.countDelivery =
        "UPDATE "
            + messages
            + " SET attempts = attempts + 1,"
            + " leased_until = now() + :leaseMs * interval '1 millisecond'"
            + " WHERE (queue, visible_at, id) = (SELECT queue, visible_at, id FROM "
            + messages
            + " WHERE queue = :queue AND visible_at >= coalesce(CAST(:from AS timestamptz),"
            + " '-infinity') AND visible_at <= now()"
            + " AND (leased_until IS NULL OR leased_until <= now()) ORDER BY visible_at, id"
            + " LIMIT 1 FOR UPDATE SKIP LOCKED)"
            // Committed without waiting for the WAL flush: a receiver runs this before every
            // message, one at a time, so a flush here would bound the endpoint's rate. A count
            // lost to a server crash only lets a message be delivered once more.
            + " RETURNING id, visible_at, attempts, set_config('synchronous_commit', 'off', true)";
    // The same for up to :max messages at once, taken in order: a message delivered before is
    // counted only as the first of its batch, and then alone (the pump runs it alone in its
    // process), so the rows counted are the first alone, or the first deliveries before it.
    String due =
        " WHERE queue = :queue AND visible_at >= coalesce(CAST(:from AS timestamptz),"
            + " '-infinity') AND visible_at <= now()"
            + " AND (leased_until IS NULL OR leased_until <= now())";
    this.countDeliveries =
        "WITH picked AS (SELECT queue, visible_at, id, attempts FROM "
            + messages
            + due
            + " ORDER BY visible_at, id LIMIT :max FOR UPDATE SKIP LOCKED),"
            + " chosen AS (SELECT queue, visible_at, id FROM (SELECT queue, visible_at, id,"
            + " row_number() OVER w AS n, count(*) FILTER (WHERE attempts > 0) OVER w AS redelivered"
            + " FROM picked WINDOW w AS (ORDER BY visible_at, id)) AS p"
            + " WHERE n = 1 OR redelivered = 0)"
            + " UPDATE "
            + messages
            + " AS m SET attempts = m.attempts + 1,"
            + " leased_until = now() + :leaseMs * interval '1 millisecond'"
            + " FROM chosen c WHERE m.queue = c.queue AND m.visible_at = c.visible_at"
            + " AND m.id = c.id"
            + " RETURNING m.id, m.visible_at, m.attempts,"
            + " set_config('synchronous_commit', 'off', true)";
    this.visible = "SELECT count(*) FROM (SELECT 1 FROM " + messages + due + " LIMIT :max) AS v";
    // Only the row as this receive counted it: if its lease ran out before this statement (a
    // stalled thread, a loaded server) and another receive counted it since, the row this
    // snapshot sees carries that count, so this delete passes it by at once instead of waiting
    // for that receive's lock (which would hold this receive, and with it a redelivered message
    // waiting to run alone, until that transaction ends). A lock held for an instant by another
    // receive's count looking at the row is still waited for: skipping it would lose the claim.
    this.claim =
        "DELETE FROM "
            + messages
            + " WHERE queue = :queue AND visible_at = :visibleAt AND id = :id"
            + " AND attempts = :attempts"
            + " RETURNING id, queue, message_id, headers::text AS headers, body, attempts,"
            + " enqueued_at, visible_at";
    this.claimAll =
        "DELETE FROM "
            + messages
            + " AS m USING unnest(:visibleAts::timestamptz[], :ids::bigint[], :attempts::int[])"
            + " AS c(visible_at, id, attempts)"
            + " WHERE m.queue = :queue AND m.visible_at = c.visible_at AND m.id = c.id"
            + " AND m.attempts = c.attempts"
            + " RETURNING m.id, m.queue, m.message_id, m.headers::text AS headers, m.body,"
            + " m.attempts, m.enqueued_at, m.visible_at";
    this.hide =
        "UPDATE "
            + messages
            + " SET visible_at = clock_timestamp() + :delayMs * interval '1 millisecond',"
            + " leased_until = NULL"
            // not if another receiver counted it since (its lease ran out): theirs now
            + " WHERE queue = :queue AND visible_at = :visibleAt AND id = :id"
            + " AND attempts = :attempts";
    this.requeue =
        "INSERT INTO "
            + messages
            + " (queue, message_id, headers, body, enqueued_at, visible_at, attempts)"
            + " VALUES (:queue, :messageId, :headers::jsonb, :body, :enqueuedAt,"
            + " clock_timestamp() + :delayMs * interval '1 millisecond', :attempts)";
    // A send whose commit came late may have become visible behind where receives start: stamped
    // again after its commit, and before the sender sends anything else, it is back in order.
    this.restamp =
        "UPDATE "
            + messages
            + " AS m SET visible_at = clock_timestamp()"
            + " FROM unnest(:queues::text[], :ids::bigint[], :ats::text[]) AS r(queue, id, at)"
            + " WHERE m.queue = r.queue AND m.visible_at = r.at::timestamptz AND m.id = r.id"
            + " AND m.leased_until IS NULL AND m.visible_at <= clock_timestamp()";
    this.depths =
        "SELECT queue, count(*) AS messages, count(*) FILTER (WHERE visible_at <= now()"
            + " AND (leased_until IS NULL OR leased_until <= now())) AS visible,"
            + " extract(epoch FROM now() - min(enqueued_at)) * 1000 AS oldest_ms FROM "
            + messages
            + " GROUP BY queue ORDER BY queue";
    this.peek =
        "SELECT id, message_id, headers::text AS headers, substring(body FROM 1 FOR :preview)"
            + " AS preview, octet_length(body) AS size, enqueued_at FROM "
            + messages
            + " WHERE queue = :queue ORDER BY visible_at, id LIMIT :limit";
    this.peekOne =
        "SELECT id, message_id, headers::text AS headers, substring(body FROM 1 FOR :preview)"
            + " AS preview, octet_length(body) AS size, enqueued_at FROM "
            + messages
            + " WHERE queue = :queue AND message_id = :messageId ORDER BY visible_at, id LIMIT 1";
  }

  /** Inserts {@code batch} into {@code queue}; the caller wakes receivers after commit. */
  public Sent send(Handle handle, String queue, List<OutgoingMessage> batch) {
    if (batch.isEmpty()) {
      return Sent.NOTHING;
    }
    return bindBatch(handle.createQuery(send), batch).bind("queue", queue).map(Sent::read).one();
  }

  /**
   * Inserts {@code batch} once into every queue subscribed to any of {@code topics}.
   *
   * @return the rows, and with them the subscriber queues that received it (none when nobody
   *     subscribed)
   */
  public Sent publish(Handle handle, List<String> topics, List<OutgoingMessage> batch) {
    if (batch.isEmpty()) {
      return Sent.NOTHING;
    }
    return bindBatch(handle.createQuery(publish), batch)
        .bind("topics", SqlArrays.text(topics.toArray(String[]::new)))
        .map(Sent::read)
        .one();
  }

  /**
   * Stamps the rows of a committed send visible from now, unless a receiver holds them or they are
   * delayed: run after a commit that came later than receives may look back.
   */
  public int restamp(Handle handle, Sent sent) {
    if (sent.ids().length == 0) {
      return 0;
    }
    return handle
        .createUpdate(restamp)
        .bind("queues", SqlArrays.text(sent.queues()))
        .bind("ids", SqlArrays.bigint(sent.ids()))
        .bind("ats", SqlArrays.text(sent.visibleAts()))
        .execute();
  }

  /**
   * The rows a send inserted.
   *
   * @param queues each row's queue
   * @param ids each row's id
   * @param visibleAts each row's visible_at, as PostgreSQL printed it
   */
  public record Sent(String[] queues, long[] ids, String[] visibleAts) {
    static final Sent NOTHING = new Sent(new String[0], new long[0], new String[0]);

    /** The distinct queues the rows went to. */
    public List<String> distinctQueues() {
      return Arrays.stream(queues).distinct().toList();
    }

    static Sent read(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
        throws java.sql.SQLException {
      Long[] boxed = (Long[]) rs.getArray("ids").getArray();
      long[] ids = new long[boxed.length];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = boxed[i];
      }
      return new Sent(
          (String[]) rs.getArray("queues").getArray(),
          ids,
          (String[]) rs.getArray("ats").getArray());
    }
  }

  /**
   * Counts a delivery of the next visible message of {@code queue} that became visible at or after
   * {@code from} (null: from the head of the queue) and hides it for {@code lease}; run it outside
   * a transaction, so the count is committed at once.
   *
   * @return the row counted, or empty if the queue has no visible message from there on
   */
  public Optional<Counted> countDelivery(
      Handle handle, String queue, Duration lease, OffsetDateTime from) {
    return handle
        .createQuery(countDelivery)
        .bind("queue", queue)
        .bind("leaseMs", lease.toMillis())
        .bind("from", from)
        .map(QueueStore::counted)
        .findOne();
  }

  private static Counted counted(
      java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new Counted(
        rs.getLong("id"), rs.getObject("visible_at", OffsetDateTime.class), rs.getInt("attempts"));
  }

  /**
   * A message whose delivery was counted.
   *
   * @param id its row id
   * @param visibleAt when it became visible (the lease does not change it)
   * @param attempts its deliveries counted, this one included
   */
  public record Counted(long id, OffsetDateTime visibleAt, int attempts) {}

  /**
   * Counts a delivery of up to {@code max} visible messages of {@code queue}, oldest first, from
   * {@code from} (null: the head), and hides them for {@code lease}; run it outside a transaction.
   * A message delivered before is counted alone, or not yet if others come first.
   *
   * @return the rows counted, oldest first; empty if none is visible from there on
   */
  public List<Counted> countDeliveries(
      Handle handle, String queue, int max, Duration lease, OffsetDateTime from) {
    if (max == 1) {
      return countDelivery(handle, queue, lease, from).map(List::of).orElse(List.of());
    }
    List<Counted> counted =
        new ArrayList<>(
            handle
                .createQuery(countDeliveries)
                .bind("queue", queue)
                .bind("max", max)
                .bind("leaseMs", lease.toMillis())
                .bind("from", from)
                .map(QueueStore::counted)
                .list());
    counted.sort(Comparator.comparing(Counted::visibleAt).thenComparingLong(Counted::id));
    return counted;
  }

  /** How many messages of {@code queue} are visible now, counting at most {@code max}. */
  public int visible(Handle handle, String queue, int max) {
    return handle
        .createQuery(visible)
        .bind("queue", queue)
        .bind("max", max)
        .bind("from", (OffsetDateTime) null)
        .mapTo(Integer.class)
        .one();
  }

  /**
   * Claims (and deletes, until rollback) the rows {@code counted}, in one statement; a row another
   * receiver counted since (its lease ran out) is not among them.
   *
   * @return the rows claimed, in the order of {@code counted}
   */
  public List<QueueRow> claimAll(Handle handle, String queue, List<Counted> counted) {
    if (counted.size() == 1) {
      return claim(handle, queue, counted.getFirst()).map(List::of).orElse(List.of());
    }
    int n = counted.size();
    String[] visibleAts = new String[n];
    long[] ids = new long[n];
    String[] attempts = new String[n];
    for (int i = 0; i < n; i++) {
      visibleAts[i] = counted.get(i).visibleAt().toString();
      ids[i] = counted.get(i).id();
      attempts[i] = Integer.toString(counted.get(i).attempts());
    }
    List<QueueRow> rows =
        new ArrayList<>(
            handle
                .createQuery(claimAll)
                .bind("queue", queue)
                .bind("visibleAts", SqlArrays.text(visibleAts))
                .bind("ids", SqlArrays.bigint(ids))
                .bind("attempts", SqlArrays.text(attempts))
                .map(QueueStore::row)
                .list());
    rows.sort(Comparator.comparing(QueueRow::visibleAt).thenComparingLong(QueueRow::id));
    return rows;
  }

  /** Claims (and deletes, until rollback) the row {@code counted}. */
  public Optional<QueueRow> claim(Handle handle, String queue, Counted counted) {
    return handle
        .createQuery(claim)
        .bind("queue", queue)
        .bind("visibleAt", counted.visibleAt())
        .bind("id", counted.id())
        .bind("attempts", counted.attempts())
        .map(QueueStore::row)
        .findOne();
  }

  private static QueueRow row(
      java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new QueueRow(
        rs.getLong("id"),
        rs.getString("queue"),
        rs.getString("message_id"),
        rs.getString("headers"),
        rs.getBytes("body"),
        rs.getInt("attempts"),
        rs.getObject("enqueued_at", OffsetDateTime.class).toInstant(),
        rs.getObject("visible_at", OffsetDateTime.class));
  }

  /**
   * Hides a message whose claim was rolled back for {@code visibilityDelay} (its delivery was
   * counted when it was claimed). Runs in its own, auto-commit transaction.
   *
   * @return false if the row was not there as claimed: taken (and counted) by another receiver once
   *     the lease ran out, or gone
   */
  public boolean hideFor(Handle handle, QueueRow row, Duration visibilityDelay) {
    return handle
            .createUpdate(hide)
            .bind("queue", row.queue())
            .bind("visibleAt", row.visibleAt())
            .bind("id", row.id())
            .bind("attempts", row.attempts())
            .bind("delayMs", visibilityDelay.toMillis())
            .execute()
        == 1;
  }

  /**
   * Puts a claimed (deleted) message back in its queue within the claim's transaction, with its
   * delivery count and visible after {@code visibilityDelay}: once committed, nobody can see it
   * earlier.
   */
  public void requeue(Handle handle, QueueRow row, Duration visibilityDelay) {
    handle
        .createUpdate(requeue)
        .bind("queue", row.queue())
        .bind("messageId", row.messageId())
        .bind("headers", row.headersJson())
        .bind("body", row.body())
        .bind("enqueuedAt", row.enqueuedAt().atOffset(java.time.ZoneOffset.UTC))
        .bind("delayMs", visibilityDelay.toMillis())
        .bind("attempts", row.attempts())
        .execute();
  }

  /** Every queue's messages, visible ones and the oldest's age; reads the whole table. */
  public List<PumpOperations.QueueDepth> depths(Handle handle) {
    return handle
        .createQuery(depths)
        .map((rs, ctx) ->
            new PumpOperations.QueueDepth(
                rs.getString("queue"),
                rs.getLong("messages"),
                rs.getLong("visible"),
                Duration.ofMillis(Math.round(rs.getDouble("oldest_ms")))))
        .list();
  }

  /**
   * The first {@code limit} messages of {@code queue} as they are, bodies cut to {@code preview}.
   */
  public List<Peeked> peek(Handle handle, String queue, int limit, int preview) {
    return handle
        .createQuery(peek)
        .bind("queue", queue)
        .bind("limit", limit)
        .bind("preview", preview)
        .map((rs, ctx) -> peeked(rs))
        .list();
  }

  /** The first message of {@code queue} with id {@code messageId}, if any, as {@link #peek}. */
  public Optional<Peeked> peek(Handle handle, String queue, String messageId, int preview) {
    return handle
        .createQuery(peekOne)
        .bind("queue", queue)
        .bind("messageId", messageId)
        .bind("preview", preview)
        .map((rs, ctx) -> peeked(rs))
        .findOne();
  }

  private static Peeked peeked(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Peeked(
        rs.getString("message_id"),
        rs.getString("headers"),
        rs.getBytes("preview"),
        rs.getInt("size"),
        rs.getObject("enqueued_at", OffsetDateTime.class).toInstant());
  }

  /** A message read without claiming it. */
  public record Peeked(
      String messageId,
      String headersJson,
      byte[] bodyPreview,
      int bodyBytes,
      Instant enqueuedAt) {}

  private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindBatch(
      T statement, List<OutgoingMessage> batch) {
    int n = batch.size();
    String[] messageIds = new String[n];
    String[] headers = new String[n];
    byte[][] bodies = new byte[n][];
    long[] delays = new long[n];
    for (int i = 0; i < n; i++) {
      OutgoingMessage message = batch.get(i);
      messageIds[i] = message.messageId();
      headers[i] = HeadersJson.write(message.headers());
      bodies[i] = message.body();
      delays[i] = message.delay().toMillis();
    }
    return statement
        .bind("messageIds", SqlArrays.text(messageIds))
        .bind("headers", SqlArrays.text(headers))
        .bind("bodies", SqlArrays.bytea(bodies))
        .bind("delays", SqlArrays.bigint(delays));
  }
}
