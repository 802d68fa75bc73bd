package dev.pump.jdbc.internal.inbox;

import dev.pump.jdbc.internal.sql.Purges;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the {@code inbox} table: which message ids an endpoint has handled, recorded in the
 * handler's transaction.
 *
 * <p>One statement per message: an insert that, on conflict, counts the duplicate instead of
 * failing, so a duplicate never aborts the transaction. A copy racing the first one blocks on the
 * primary key until the first transaction ends: if it committed, the copy is a duplicate; if it
 * rolled back, the copy's insert wins and it runs the handlers. Thread-safe.
 */
public final class InboxStore {
  private final String record;
  private final String purge;
  private final String duplicates;

  /** Builds the statements for {@code schema} once. */
  public InboxStore(SchemaName schema) {
    this.record =
        "INSERT INTO "
            + schema.table("inbox")
            + " AS i (endpoint, message_id) VALUES (:endpoint, :messageId)"
            + " ON CONFLICT (endpoint, message_id) DO UPDATE"
            + " SET duplicates = i.duplicates + 1, last_duplicate_at = now()"
            // xmax is 0 for a freshly inserted row version and set for an updated one
            + " RETURNING (xmax = 0) AS first_time";
    this.purge = Purges.byMessage(schema.table("inbox"), "processed_at");
    this.duplicates = "SELECT coalesce(sum(duplicates), 0) FROM " + schema.table("inbox");
  }

  /** Deletes one batch of rows processed more than {@code retention} ago; returns how many. */
  public int purge(Handle handle, Duration retention, int batchSize) {
    return Purges.batch(handle, purge, retention, batchSize);
  }

  /** The duplicates counted in the rows still kept. */
  public long duplicatesRecorded(Handle handle) {
    return handle.createQuery(duplicates).mapTo(Long.class).one();
  }

  /**
   * Records that {@code endpoint} handles {@code messageId}.
   *
   * @return true the first time; false for a duplicate, whose handlers must be skipped
   */
  public boolean recordFirstTime(Handle handle, String endpoint, String messageId) {
    return handle
        .createQuery(record)
        .bind("endpoint", endpoint)
        .bind("messageId", messageId)
        .mapTo(Boolean.class)
        .one();
  }
}
