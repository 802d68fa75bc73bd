package dev.pump.jdbc.internal.queue;

import dev.pump.core.transport.OutgoingMessage;
import dev.pump.jdbc.internal.sql.Channels;
import dev.pump.jdbc.internal.sql.HeadersJson;
import dev.pump.jdbc.internal.sql.SqlArrays;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the PostgreSQL queue transport. Every method runs on the caller's handle, inside the
 * caller's transaction; each is one statement. Thread-safe.
 *
 * <p>Wake-ups ride along: sending to a queue calls {@code pg_notify(channel, queue)} in the same
 * statement. PostgreSQL folds identical notifications of one transaction into one and delivers them
 * only on commit, so a transaction that sends 10,000 messages to one queue wakes its receivers
 * once, and a rolled-back one not at all.
 */
public final class QueueStore {
  private final String channel;
  private final String send;
  private final String publish;
  private final String claim;
  private final String failedAttempt;
  private final String subscribe;
  private final String unsubscribe;
  private final String subscribers;

  /** Builds the statements for {@code schema} once. */
  public QueueStore(SchemaName schema) {
    String messages = schema.table("queue_message");
    String subscriptions = schema.table("subscription");
    this.channel = Channels.queue(schema);
    String batch =
        " unnest(:messageIds::text[], :headers::text[], :bodies::bytea[], :delays::bigint[])"
            + " AS m(message_id, headers, body, delay_ms)";
    String columns = " (queue, message_id, headers, body, visible_at)";
    String values =
        " m.message_id, m.headers::jsonb, m.body, now() + m.delay_ms * interval '1 millisecond'";
    this.send =
        "WITH sent AS (INSERT INTO "
            + messages
            + columns
            + " SELECT :queue,"
            + values
            + " FROM"
            + batch
            + " RETURNING 1)"
            + " SELECT (SELECT count(*) FROM sent), pg_notify(:channel, :queue)";
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
            + " RETURNING 1)"
            + " SELECT (SELECT count(*) FROM sent),"
            + " (SELECT count(pg_notify(:channel, queue)) FROM subscriber)";
    // Claim-and-delete in one statement: the row is gone if the transaction commits (the message
    // is acknowledged) and back, untouched, if it rolls back or the process dies.
    this.claim =
        "DELETE FROM "
            + messages
            + " WHERE id = (SELECT id FROM "
            + messages
            + " WHERE queue = :queue AND visible_at <= now() ORDER BY visible_at, id"
            + " LIMIT 1 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, queue, message_id, headers::text AS headers, body, attempts,"
            + " enqueued_at";
    this.failedAttempt =
        "UPDATE "
            + messages
            + " SET attempts = attempts + 1, visible_at = now() + :delayMs * interval '1 millisecond'"
            + " WHERE id = :id";
    this.subscribe =
        "INSERT INTO "
            + subscriptions
            + " (topic, queue) VALUES (:topic, :queue) ON CONFLICT DO NOTHING";
    this.unsubscribe = "DELETE FROM " + subscriptions + " WHERE topic = :topic AND queue = :queue";
    this.subscribers =
        "SELECT DISTINCT queue FROM "
            + subscriptions
            + " WHERE topic = ANY(:topics::text[]) ORDER BY queue";
  }

  /** The LISTEN/NOTIFY channel of this schema's queues; notifications carry the queue name. */
  public String channel() {
    return channel;
  }

  /** Inserts {@code batch} into {@code queue} and notifies its receivers on commit. */
  public int send(Handle handle, String queue, List<OutgoingMessage> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    return bindBatch(handle.createQuery(send), batch)
        .bind("queue", queue)
        .bind("channel", channel)
        .mapTo(Integer.class)
        .one();
  }

  /**
   * Inserts {@code batch} once into every queue subscribed to any of {@code topics}.
   *
   * @return the number of rows inserted (messages times subscriber queues)
   */
  public int publish(Handle handle, List<String> topics, List<OutgoingMessage> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    return bindBatch(handle.createQuery(publish), batch)
        .bind("topics", SqlArrays.text(topics.toArray(String[]::new)))
        .bind("channel", channel)
        .mapTo(Integer.class)
        .one();
  }

  /** Claims (and deletes, until rollback) the next visible message of {@code queue}. */
  public Optional<QueueRow> claim(Handle handle, String queue) {
    return handle
        .createQuery(claim)
        .bind("queue", queue)
        .map((rs, ctx) ->
            new QueueRow(
                rs.getLong("id"),
                rs.getString("queue"),
                rs.getString("message_id"),
                rs.getString("headers"),
                rs.getBytes("body"),
                rs.getInt("attempts"),
                rs.getObject("enqueued_at", OffsetDateTime.class).toInstant()))
        .findOne();
  }

  /**
   * Counts a failed attempt of a message whose claim was rolled back, and hides it for {@code
   * visibilityDelay}. Runs in its own (usually auto-commit) transaction so the count survives.
   */
  public void recordFailedAttempt(Handle handle, long id, Duration visibilityDelay) {
    handle
        .createUpdate(failedAttempt)
        .bind("id", id)
        .bind("delayMs", visibilityDelay.toMillis())
        .execute();
  }

  /** Subscribes {@code queue} to {@code topic}; idempotent. */
  public void subscribe(Handle handle, String topic, String queue) {
    handle.createUpdate(subscribe).bind("topic", topic).bind("queue", queue).execute();
  }

  /** Removes the subscription, if any; idempotent. */
  public void unsubscribe(Handle handle, String topic, String queue) {
    handle.createUpdate(unsubscribe).bind("topic", topic).bind("queue", queue).execute();
  }

  /** The queues subscribed to any of {@code topics}. */
  public List<String> subscribers(Handle handle, List<String> topics) {
    return handle
        .createQuery(subscribers)
        .bind("topics", SqlArrays.text(topics.toArray(String[]::new)))
        .mapTo(String.class)
        .list();
  }

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
