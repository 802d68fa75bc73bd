package dev.pump.jdbc.internal.sql;

import java.time.Duration;
import org.jdbi.v3.core.Handle;

/**
 * The shape of a retention purge: one bounded batch per statement, oldest first, rows taken with
 * {@code FOR UPDATE SKIP LOCKED} so that cleaners running at once never wait on each other.
 */
public final class Purges {
  private Purges() {}

  /** One batch of a table keyed by (endpoint, message_id), oldest {@code time} first. */
  public static String byMessage(String table, String time) {
    return "DELETE FROM "
        + table
        + " WHERE (endpoint, message_id) IN (SELECT endpoint, message_id FROM "
        + table
        + " WHERE "
        + time
        + " < now() - :retentionMs * interval '1 millisecond'"
        + " ORDER BY "
        + time
        + " LIMIT :batch FOR UPDATE SKIP LOCKED)";
  }

  /** Runs one batch of {@code sql} (binding {@code :retentionMs} and {@code :batch}). */
  public static int batch(Handle handle, String sql, Duration retention, int batchSize) {
    return handle
        .createUpdate(sql)
        .bind("retentionMs", retention.toMillis())
        .bind("batch", batchSize)
        .execute();
  }
}
