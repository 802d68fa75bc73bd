package dev.pump.jdbc.internal.outbox;

import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.internal.sql.HeadersJson;
import dev.pump.jdbc.internal.sql.Purges;
import dev.pump.jdbc.internal.sql.SqlArrays;
import dev.pump.migrations.SchemaName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The SQL of the {@code outbox} table: the handlers' writes (one statement for the whole batch,
 * however many rows, inside the caller's transaction), the dispatcher's claim and marks, and the
 * operator's backlog, parked rows and retention purge. Thread-safe.
 */
public final class OutboxStore {
  /**
   * Where a claim starts in the pending index: see {@link dev.pump.jdbc.internal.sql.ScanStarts}
   * (null: from the head).
   */
  private static final String FROM =
      " AND due_at >= coalesce(CAST(:from AS timestamptz), '-infinity')";

  /**
   * Up to this many rows are inserted by {@code INSERT ... VALUES}, which costs the server less
   * than {@code unnest} over arrays; more by one {@code unnest} statement, whose text does not
   * grow.
   */
  static final int VALUES_ROWS = 8;

  private final String[] insertValues; // [n - 1]: n rows
  private final String insertUnnest;
  private final String claim;
  private final String lockKeys;
  private final String markDispatched;
  private final String markFailed;
  private final String backlog;
  private final String parked;
  private final String requeueParked;
  private final String purge;

  /** Builds the statements for {@code schema} once. */
  public OutboxStore(SchemaName schema) {
    String columns =
        "INSERT INTO "
            + schema.table("outbox")
            + " (endpoint, causation_id, kind, destination, topics, message_id, headers, body,"
            + " due_at, ordering_key)";
    // due from the time of the insert, which the link makes just before commit, not from the
    // transaction's start: a claim scans from where the pending rows begin
    String due = "clock_timestamp() + ? * interval '1 millisecond'";
    // topic names never contain a comma (dev.pump.core.internal.shared.Names), so a joined list
    // is unambiguous; a send's null stays null
    this.insertValues = new String[VALUES_ROWS];
    StringBuilder values = new StringBuilder(columns).append(" VALUES ");
    for (int n = 1; n <= VALUES_ROWS; n++) {
      values
          .append(n == 1 ? "" : ", ")
          .append("(?, ?, ?, ?, string_to_array(?, ','), ?, ?::jsonb, ?, ")
          .append(due)
          .append(", ?)");
      insertValues[n - 1] = values.toString();
    }
    this.insertUnnest =
        columns
            + " SELECT ?, m.causation_id, m.kind, m.destination, string_to_array(m.topics, ','),"
            + " m.message_id, m.headers::jsonb, m.body,"
            + " clock_timestamp() + m.delay_ms * interval '1 millisecond', m.ordering_key"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::bytea[], ?::bigint[], ?::text[])"
            + " AS m(causation_id, kind, destination, topics, message_id, headers, body, delay_ms,"
            + " ordering_key)";
    String table = schema.table("outbox");
    this.claim =
        "SELECT id, destination, topics, message_id, headers::text AS headers, body, attempts,"
            + " ordering_key, due_at"
            + " FROM "
            + table
            + " AS o WHERE dispatched_at IS NULL AND parked_at IS NULL AND due_at <= now()"
            + FROM
            + " AND NOT (destination = ANY(:paused::text[]))"
            // Keyed rows: only keys this transaction holds (see lockKeys), and a row only if every
            // earlier pending row of its key sorts before it in this claim (so it is claimed too,
            // and sent first): an earlier row waiting out a retry back-off, or one due before
            // where this claim starts (left there while its destination was paused, or by another
            // dispatcher's rollback), holds its key back.
            + " AND (ordering_key IS NULL OR (ordering_key = ANY(:keys::text[]) AND NOT EXISTS ("
            + "SELECT 1 FROM "
            + table
            + " AS e WHERE e.ordering_key = o.ordering_key AND e.id < o.id"
            + " AND e.dispatched_at IS NULL AND e.parked_at IS NULL AND (e.due_at > o.due_at"
            + " OR e.due_at < coalesce(CAST(:from AS timestamptz), '-infinity')))))"
            + " ORDER BY due_at, id LIMIT :limit FOR UPDATE SKIP LOCKED";
    // One dispatcher per key at a time: transaction-scoped advisory locks on the keys among the
    // rows the claim would look at. Taken in a statement of their own, so that the claim's
    // snapshot, taken after, sees everything the key's previous holder committed.
    this.lockKeys =
        "SELECT k FROM (SELECT DISTINCT ordering_key AS k FROM (SELECT ordering_key FROM "
            + table
            + " WHERE dispatched_at IS NULL AND parked_at IS NULL AND due_at <= now()"
            + FROM
            + " ORDER BY due_at, id LIMIT :limit) AS candidates WHERE ordering_key IS NOT NULL) AS keys"
            + " WHERE pg_try_advisory_xact_lock("
            + lockSpace(schema)
            + ", hashtext(k))";
    this.markDispatched =
        "UPDATE " + table + " SET dispatched_at = now() WHERE id = ANY(:ids::bigint[])";
    this.markFailed =
        "UPDATE "
            + table
            + " AS o SET attempts = o.attempts + :counted, last_error = :error,"
            + " due_at = now() + f.delay_ms * interval '1 millisecond',"
            + " parked_at = CASE WHEN :counted = 1 AND o.attempts + 1 >= :maxAttempts THEN now() END"
            + " FROM unnest(:ids::bigint[], :delays::bigint[]) AS f(id, delay_ms) WHERE o.id = f.id";
    this.backlog =
        "SELECT destination, count(*) AS pending,"
            + " count(*) FILTER (WHERE due_at <= now()) AS due,"
            + " extract(epoch FROM now() - min(created_at)) * 1000 AS oldest_ms FROM "
            + table
            + " WHERE dispatched_at IS NULL AND parked_at IS NULL"
            + " GROUP BY destination ORDER BY destination";
    this.parked =
        "SELECT id, destination, message_id, attempts, last_error, parked_at FROM "
            + table
            + " WHERE parked_at IS NOT NULL ORDER BY parked_at, id LIMIT :limit";
    // attempts restart at zero; last_error stays for the audit trail
    this.requeueParked =
        "UPDATE "
            + table
            + " SET parked_at = NULL, attempts = 0, due_at = now() WHERE parked_at IS NOT NULL"
            + " AND (:all OR id = ANY(:ids::bigint[]) OR destination = :destination)";
    // parked rows are never purged: they wait for an operator
    this.purge =
        "DELETE FROM "
            + table
            + " WHERE id IN (SELECT id FROM "
            + table
            + " WHERE dispatched_at < now() - :retentionMs * interval '1 millisecond'"
            + " ORDER BY dispatched_at LIMIT :batch FOR UPDATE SKIP LOCKED)";
  }

  /** The pending rows per destination: how many, how many due, and the oldest's age. */
  public List<PumpOperations.Backlog> backlog(Handle handle) {
    return handle
        .createQuery(backlog)
        .map((rs, ctx) ->
            new PumpOperations.Backlog(
                rs.getString("destination"),
                rs.getLong("pending"),
                rs.getLong("due"),
                Duration.ofMillis(Math.round(rs.getDouble("oldest_ms")))))
        .list();
  }

  /** The oldest {@code limit} parked rows. */
  public List<PumpOperations.Parked> parked(Handle handle, int limit) {
    return handle
        .createQuery(parked)
        .bind("limit", limit)
        .map((rs, ctx) ->
            new PumpOperations.Parked(
                rs.getLong("id"),
                rs.getString("destination"),
                rs.getString("message_id"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                rs.getObject("parked_at", OffsetDateTime.class).toInstant()))
        .list();
  }

  /**
   * Makes parked rows pending and due now: all of them, or those with one of {@code ids}, or those
   * to {@code destination}.
   *
   * @return how many
   */
  public int requeueParked(Handle handle, boolean all, long[] ids, String destination) {
    return handle
        .createUpdate(requeueParked)
        .bind("all", all)
        .bind("ids", SqlArrays.bigint(ids))
        .bind("destination", destination)
        .execute();
  }

  /** Deletes one batch of rows dispatched more than {@code retention} ago; returns how many. */
  public int purge(Handle handle, Duration retention, int batchSize) {
    return Purges.batch(handle, purge, retention, batchSize);
  }

  /**
   * Claims up to {@code limit} due pending rows, oldest first, due at or after {@code from} (null:
   * all), locking them for the caller's transaction (which must be READ COMMITTED, so that each
   * statement sees the latest commits); rows locked by another dispatcher are skipped, and rows of
   * {@code paused} destinations are left alone. Two statements: the ordering keys' locks, then the
   * claim.
   */
  public Claimed claim(Handle handle, int limit, List<String> paused, OffsetDateTime from) {
    String[] keys =
        handle
            .createQuery(lockKeys)
            .bind("limit", limit)
            .bind("from", from)
            .mapTo(String.class)
            .list()
            .toArray(String[]::new);
    OffsetDateTime[] earliest = {null};
    OffsetDateTime[] latest = {null};
    List<PendingRow> rows =
        handle
            .createQuery(claim)
            .bind("limit", limit)
            .bind("keys", SqlArrays.text(keys))
            .bind("paused", SqlArrays.text(paused.toArray(String[]::new)))
            .bind("from", from)
            .map((rs, ctx) -> {
              OffsetDateTime due = rs.getObject("due_at", OffsetDateTime.class);
              if (earliest[0] == null || due.isBefore(earliest[0])) {
                earliest[0] = due;
              }
              if (latest[0] == null || due.isAfter(latest[0])) {
                latest[0] = due;
              }
              java.sql.Array topics = rs.getArray("topics");
              return new PendingRow(
                  rs.getLong("id"),
                  topics != null,
                  rs.getString("destination"),
                  topics == null ? null : List.of((String[]) topics.getArray()),
                  rs.getString("message_id"),
                  rs.getString("headers"),
                  rs.getBytes("body"),
                  rs.getInt("attempts"),
                  rs.getString("ordering_key"));
            })
            .list();
    return new Claimed(rows, earliest[0], latest[0]);
  }

  /**
   * What a claim took.
   *
   * @param rows the rows, oldest first
   * @param earliestDueAt the earliest due time among them, null if none
   * @param latestDueAt the latest due time among them, null if none
   */
  public record Claimed(
      List<PendingRow> rows, OffsetDateTime earliestDueAt, OffsetDateTime latestDueAt) {}

  /** The advisory-lock space of this schema's ordering keys: a stable number from its name. */
  private static int lockSpace(SchemaName schema) {
    return ("pump.outbox." + schema.value()).hashCode();
  }

  /** Marks rows dispatched, in one statement. */
  public int markDispatched(Handle handle, long[] ids) {
    if (ids.length == 0) {
      return 0;
    }
    return handle.createUpdate(markDispatched).bind("ids", SqlArrays.bigint(ids)).execute();
  }

  /**
   * Records a failed attempt of each row, in one statement: the error, the next due time, and, for
   * rows that reached {@code maxAttempts}, parks them.
   */
  public int markFailed(Handle handle, long[] ids, long[] delaysMs, String error, int maxAttempts) {
    return markFailed(handle, ids, delaysMs, error, maxAttempts, true);
  }

  /**
   * As {@link #markFailed(Handle, long[], long[], String, int)}; with {@code counted} false (the
   * transport could not be reached at all) the attempt is not counted and no row is parked.
   */
  public int markFailed(
      Handle handle, long[] ids, long[] delaysMs, String error, int maxAttempts, boolean counted) {
    if (ids.length == 0) {
      return 0;
    }
    return handle
        .createUpdate(markFailed)
        .bind("counted", counted ? 1 : 0)
        .bind("ids", SqlArrays.bigint(ids))
        .bind("delays", SqlArrays.bigint(delaysMs))
        .bind("error", error)
        .bind("maxAttempts", maxAttempts)
        .execute();
  }

  /**
   * Inserts {@code rows} in one statement.
   *
   * @param endpoint the endpoint (or application) that sends
   * @param causationId the id of the message being handled, or null outside a handler
   * @return the number of rows inserted
   */
  public int insert(Handle handle, String endpoint, String causationId, List<OutboxRow> rows) {
    return insertCaused(handle, endpoint, Collections.nCopies(rows.size(), causationId), rows);
  }

  /**
   * Inserts rows sent while handling several messages, in one statement for any number of rows:
   * {@code causationIds} holds, for each row, the id of the message whose handling sent it (null
   * for none).
   *
   * @return the number of rows inserted
   */
  public int insertCaused(
      Handle handle, String endpoint, List<String> causationIds, List<OutboxRow> rows) {
    if (causationIds.size() != rows.size()) {
      throw new IllegalArgumentException(
          causationIds.size() + " causation ids for " + rows.size() + " rows");
    }
    if (rows.isEmpty()) {
      return 0;
    }
    // plain JDBC on the handle's connection: Jdbi's named binding and statement context cost
    // more than the statement itself on this path, which runs for every message transaction
    Connection connection = handle.getConnection();
    int n = rows.size();
    try {
      if (n <= VALUES_ROWS) {
        try (PreparedStatement statement = connection.prepareStatement(insertValues[n - 1])) {
          int p = 0;
          for (int i = 0; i < n; i++) {
            OutboxRow row = rows.get(i);
            statement.setString(++p, endpoint);
            statement.setString(++p, causationIds.get(i));
            statement.setString(++p, kind(row));
            statement.setString(++p, row.destination());
            statement.setString(++p, topics(row));
            statement.setString(++p, row.messageId());
            statement.setString(++p, HeadersJson.write(row.headers()));
            statement.setBytes(++p, row.body());
            statement.setLong(++p, row.delay().toMillis());
            statement.setString(++p, row.orderingKey());
          }
          return statement.executeUpdate();
        }
      }
      String[] causations = new String[n];
      String[] kinds = new String[n];
      String[] destinations = new String[n];
      String[] topics = new String[n];
      String[] messageIds = new String[n];
      String[] headers = new String[n];
      byte[][] bodies = new byte[n][];
      long[] delays = new long[n];
      String[] orderingKeys = new String[n];
      for (int i = 0; i < n; i++) {
        OutboxRow row = rows.get(i);
        causations[i] = causationIds.get(i);
        kinds[i] = kind(row);
        destinations[i] = row.destination();
        topics[i] = topics(row);
        messageIds[i] = row.messageId();
        headers[i] = HeadersJson.write(row.headers());
        bodies[i] = row.body();
        delays[i] = row.delay().toMillis();
        orderingKeys[i] = row.orderingKey();
      }
      try (PreparedStatement statement = connection.prepareStatement(insertUnnest)) {
        statement.setString(1, endpoint);
        statement.setObject(2, causations);
        statement.setObject(3, kinds);
        statement.setObject(4, destinations);
        statement.setObject(5, topics);
        statement.setObject(6, messageIds);
        statement.setObject(7, headers);
        statement.setObject(8, bodies);
        statement.setObject(9, delays);
        statement.setObject(10, orderingKeys);
        return statement.executeUpdate();
      }
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(
          "could not insert " + n + " outbox rows: " + e.getMessage(), e, null);
    }
  }

  private static String kind(OutboxRow row) {
    return row.isPublish() ? "publish" : "send";
  }

  private static String topics(OutboxRow row) {
    return row.isPublish() ? String.join(",", row.topics()) : null;
  }
}
