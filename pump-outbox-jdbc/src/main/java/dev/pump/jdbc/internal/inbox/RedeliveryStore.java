package dev.pump.jdbc.internal.inbox;

import dev.pump.jdbc.internal.sql.Purges;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of the {@code redelivery} table: counts the redeliveries an endpoint starts of a message,
 * by message id, each in an autocommitted statement of its own, so the count survives the process
 * dying in the handler that follows. Thread-safe.
 */
public final class RedeliveryStore {
  private final Jdbi jdbi;
  private final String count;
  private final String forget;
  private final String purge;

  /** Builds the statements for {@code schema} once. */
  public RedeliveryStore(Jdbi jdbi, SchemaName schema) {
    this.jdbi = jdbi;
    String table = schema.table("redelivery");
    this.count =
        "INSERT INTO "
            + table
            + " AS r (endpoint, message_id) VALUES (:endpoint, :messageId)"
            + " ON CONFLICT (endpoint, message_id) DO UPDATE"
            + " SET redeliveries = r.redeliveries + 1, last_started_at = now()"
            + " RETURNING redeliveries";
    this.forget =
        "DELETE FROM " + table + " WHERE endpoint = :endpoint AND message_id = :messageId";
    this.purge = Purges.byMessage(table, "last_started_at");
  }

  /** Deletes one batch of counts last started more than {@code retention} ago. */
  public int purge(Handle handle, Duration retention, int batchSize) {
    return Purges.batch(handle, purge, retention, batchSize);
  }

  /** Counts one more redelivery and returns how many there were, this one included. */
  public int count(String endpoint, String messageId) {
    return jdbi.withHandle(h ->
        h.createQuery(count)
            .bind("endpoint", endpoint)
            .bind("messageId", messageId)
            .mapTo(Integer.class)
            .one());
  }

  /** Forgets the redeliveries counted for the message. */
  public void forget(String endpoint, String messageId) {
    jdbi.useHandle(h ->
        h.createUpdate(forget).bind("endpoint", endpoint).bind("messageId", messageId).execute());
  }
}
