package dev.pump.jdbc.internal.outbox;

import dev.pump.jdbc.internal.sql.HeadersJson;
import dev.pump.jdbc.internal.sql.SqlArrays;
import dev.pump.migrations.SchemaName;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Writes outgoing messages into the outbox inside the caller's transaction: one statement for the
 * whole batch, however many rows. Thread-safe.
 */
public final class OutboxStore {
  private final String insert;

  /** Builds the statements for {@code schema} once. */
  public OutboxStore(SchemaName schema) {
    this.insert =
        "INSERT INTO "
            + schema.table("outbox")
            + " (endpoint, causation_id, kind, destination, topics, message_id, headers, body,"
            + " due_at, ordering_key)"
            + " SELECT :endpoint, :causationId, m.kind, m.destination,"
            + " CASE WHEN m.kind = 'publish' THEN string_to_array(m.topics, ',') END,"
            + " m.message_id, m.headers::jsonb, m.body,"
            + " now() + m.delay_ms * interval '1 millisecond', m.ordering_key"
            + " FROM unnest(:kinds::text[], :destinations::text[], :topics::text[],"
            + " :messageIds::text[], :headers::text[], :bodies::bytea[], :delays::bigint[],"
            + " :orderingKeys::text[])"
            + " AS m(kind, destination, topics, message_id, headers, body, delay_ms, ordering_key)";
  }

  /**
   * Inserts {@code rows} in one statement.
   *
   * @param endpoint the endpoint (or application) that sends
   * @param causationId the id of the message being handled, or null outside a handler
   * @return the number of rows inserted
   */
  public int insert(Handle handle, String endpoint, String causationId, List<OutboxRow> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    int n = rows.size();
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
      kinds[i] = row.isPublish() ? "publish" : "send";
      destinations[i] = row.destination();
      // topic names never contain a comma (dev.pump.core.Names), so a joined list is unambiguous
      topics[i] = row.isPublish() ? String.join(",", row.topics()) : null;
      messageIds[i] = row.messageId();
      headers[i] = HeadersJson.write(row.headers());
      bodies[i] = row.body();
      delays[i] = row.delay().toMillis();
      orderingKeys[i] = row.orderingKey();
    }
    return handle
        .createUpdate(insert)
        .bind("endpoint", endpoint)
        .bind("causationId", causationId)
        .bind("kinds", SqlArrays.text(kinds))
        .bind("destinations", SqlArrays.text(destinations))
        .bind("topics", SqlArrays.text(topics))
        .bind("messageIds", SqlArrays.text(messageIds))
        .bind("headers", SqlArrays.text(headers))
        .bind("bodies", SqlArrays.bytea(bodies))
        .bind("delays", SqlArrays.bigint(delays))
        .bind("orderingKeys", SqlArrays.text(orderingKeys))
        .execute();
  }
}
