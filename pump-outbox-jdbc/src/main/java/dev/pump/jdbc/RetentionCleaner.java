package dev.pump.jdbc;

import dev.pump.core.PumpConfigurationException;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges what the audit window no longer needs: dispatched outbox rows and inbox rows older than
 * their retention, and redelivery counts no settle removed that are older than the inbox's, in
 * bounded batches, so no statement holds locks or bloats the tables for long. Parked outbox rows
 * are never purged: they wait for an operator.
 *
 * <p>Any number of instances may run it at once: each batch takes its rows with {@code FOR UPDATE
 * SKIP LOCKED}, so two cleaners never wait on each other or delete the same row twice. The {@link
 * OutboxDispatcher} runs one on its own thread every {@link
 * OutboxDispatcher.Builder#cleanupInterval}; {@link #purge()} runs one pass on demand. Thread-safe.
 */
public final class RetentionCleaner {
  private static final Logger log = LoggerFactory.getLogger(RetentionCleaner.class);

  /** Rows deleted per statement: {@value}. */
  public static final int DEFAULT_BATCH_SIZE = 1_000;

  private final Jdbi jdbi;
  private final String purgeOutbox;
  private final String purgeInbox;
  private final String purgeRedeliveries;
  private final int batchSize;
  private final Duration outboxRetention;
  private final Duration inboxRetention;

  RetentionCleaner(JdbcStorage storage, int batchSize) {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new PumpConfigurationException(
          "cleanup.batchSize must be between 1 and 100000, was " + batchSize);
    }
    this.jdbi = storage.jdbi();
    this.batchSize = batchSize;
    String outbox = storage.schema().table("outbox");
    this.purgeOutbox =
        "DELETE FROM "
            + outbox
            + " WHERE id IN (SELECT id FROM "
            + outbox
            + " WHERE dispatched_at < now() - :retentionMs * interval '1 millisecond'"
            + " ORDER BY dispatched_at LIMIT :batch FOR UPDATE SKIP LOCKED)";
    this.purgeInbox = purgeByMessage(storage.schema().table("inbox"), "processed_at");
    this.purgeRedeliveries =
        purgeByMessage(storage.schema().table("redelivery"), "last_started_at");
    this.outboxRetention = storage.outboxRetention();
    this.inboxRetention = storage.inboxRetention();
  }

  /** One batch of a table keyed by (endpoint, message_id), oldest {@code time} first. */
  private static String purgeByMessage(String table, String time) {
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

  /**
   * Purges until nothing older than the windows is left, one batch per statement and transaction.
   *
   * @return how many rows were deleted
   */
  public long purge() {
    long outbox = purgeAll(purgeOutbox, outboxRetention);
    long inbox = purgeAll(purgeInbox, inboxRetention);
    // a message not started again within the inbox's window would not be recognised anyway
    long redeliveries = purgeAll(purgeRedeliveries, inboxRetention);
    if (outbox + inbox + redeliveries > 0) {
      log.info(
          "Retention purged {} dispatched outbox rows older than {}, {} inbox rows and {} redelivery"
              + " counts older than {}",
          outbox,
          outboxRetention,
          inbox,
          redeliveries,
          inboxRetention);
    }
    return outbox + inbox + redeliveries;
  }

  private long purgeAll(String sql, Duration retention) {
    long total = 0;
    while (!Thread.currentThread().isInterrupted()) {
      int deleted =
          jdbi.withHandle(h ->
              h.createUpdate(sql)
                  .bind("retentionMs", retention.toMillis())
                  .bind("batch", batchSize)
                  .execute());
      total += deleted;
      if (deleted < batchSize) {
        break;
      }
    }
    return total;
  }
}
