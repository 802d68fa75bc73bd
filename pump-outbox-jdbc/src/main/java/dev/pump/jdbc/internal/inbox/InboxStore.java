package dev.pump.jdbc.internal.inbox;

import dev.pump.jdbc.internal.sql.Purges;
import dev.pump.jdbc.internal.sql.SqlArrays;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the {@code inbox} table: which message ids an endpoint has handled, recorded in the
 * handler's transaction.
 *
 * <p>One statement per message, or one per batch of messages handled in one transaction: an insert
 * that, on conflict, counts the duplicate instead of failing, so a duplicate never aborts the
 * transaction. A copy racing the first one blocks on the primary key until the first transaction
 * ends: if it committed, the copy is a duplicate; if it rolled back, the copy's insert wins and it
 * runs the handlers. Thread-safe.
 */
public final class InboxStore {
  private final String record;
  private final String recordAll;
  private final String forget;
  private final String countDuplicates;
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
    // the ids come sorted and distinct: two batches sharing ids lock them in the same order, and
    // no row is affected twice by one statement
    this.recordAll =
        "INSERT INTO "
            + schema.table("inbox")
            + " AS i (endpoint, message_id) SELECT :endpoint, m FROM unnest(:messageIds::text[]) AS m"
            + " ON CONFLICT (endpoint, message_id) DO UPDATE"
            + " SET duplicates = i.duplicates + 1, last_duplicate_at = now()"
            + " RETURNING message_id, (xmax = 0) AS first_time";
    this.forget =
        "DELETE FROM "
            + schema.table("inbox")
            + " WHERE endpoint = :endpoint AND message_id = ANY(:messageIds::text[])";
    this.countDuplicates =
        "UPDATE "
            + schema.table("inbox")
            + " AS i SET duplicates = i.duplicates + d.n, last_duplicate_at = now()"
            + " FROM (SELECT m, count(*) AS n FROM unnest(:messageIds::text[]) AS m GROUP BY m) AS d"
            + " WHERE i.endpoint = :endpoint AND i.message_id = d.m";
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
   * Records that {@code endpoint} handles every one of {@code messageIds}, in one statement.
   *
   * @return the ids recorded for the first time; the others are duplicates
   */
  public Set<String> recordAllFirstTime(
      Handle handle, String endpoint, Collection<String> messageIds) {
    String[] ids = new TreeSet<>(messageIds).toArray(String[]::new);
    Set<String> first = new HashSet<>();
    handle
        .createQuery(recordAll)
        .bind("endpoint", endpoint)
        .bind("messageIds", SqlArrays.text(ids))
        .map((rs, ctx) -> rs.getBoolean("first_time") ? rs.getString("message_id") : null)
        .forEach(id -> {
          if (id != null) {
            first.add(id);
          }
        });
    return first;
  }

  /** Removes the records of {@code messageIds}: their handling was undone, and they come again. */
  public void forget(Handle handle, String endpoint, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return;
    }
    handle
        .createUpdate(forget)
        .bind("endpoint", endpoint)
        .bind("messageIds", SqlArrays.text(messageIds.toArray(String[]::new)))
        .execute();
  }

  /**
   * Counts duplicates of recorded ids, one per occurrence in {@code messageIds}: copies that
   * arrived in the same batch as the message, skipped without a statement of their own.
   */
  public void countDuplicates(Handle handle, String endpoint, List<String> messageIds) {
    if (messageIds.isEmpty()) {
      return;
    }
    handle
        .createUpdate(countDuplicates)
        .bind("endpoint", endpoint)
        .bind("messageIds", SqlArrays.text(messageIds.toArray(String[]::new)))
        .execute();
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
