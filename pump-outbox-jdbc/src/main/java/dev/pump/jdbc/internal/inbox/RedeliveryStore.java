package dev.pump.jdbc.internal.inbox;

import dev.pump.migrations.SchemaName;
import org.jdbi.v3.core.Jdbi;

/**
 * Counts the redeliveries an endpoint starts of a message, by message id, each in an autocommitted
 * statement of its own, so the count survives the process dying in the handler that follows.
 * Thread-safe.
 */
public final class RedeliveryStore {
  private final Jdbi jdbi;
  private final String count;
  private final String forget;

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
