package dev.pump.cli.database;

import dev.pump.migrations.SchemaName;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * What a retention purge would delete now, counted without deleting: the predicates of {@code
 * RetentionCleaner}'s statements (dispatched outbox rows by {@code dispatched_at}, inbox rows by
 * {@code processed_at}, redelivery counts by {@code last_started_at}). The CLI's own query until
 * {@code PumpOperations} offers a dry run.
 */
public final class RetentionPreview {
  private final Jdbi jdbi;
  private final SchemaName schema;

  /** A preview over {@code schema}. */
  public RetentionPreview(Jdbi jdbi, SchemaName schema) {
    this.jdbi = jdbi;
    this.schema = schema;
  }

  /**
   * What a purge would delete.
   *
   * @param outboxRows dispatched outbox rows older than the outbox retention
   * @param inboxRows inbox rows older than the inbox retention
   * @param redeliveries redelivery counts older than the inbox retention
   */
  public record Counts(long outboxRows, long inboxRows, long redeliveries) {}

  /** Counts what is past the windows. */
  public Counts count(Duration outboxRetention, Duration inboxRetention) {
    String past = " < now() - :ms * interval '1 millisecond'";
    return jdbi.withHandle(handle ->
        handle
            .createQuery(
                "SELECT (SELECT count(*) FROM "
                    + schema.table("outbox")
                    + " WHERE dispatched_at"
                    + past.replace(":ms", ":outboxMs")
                    + "), (SELECT count(*) FROM "
                    + schema.table("inbox")
                    + " WHERE processed_at"
                    + past.replace(":ms", ":inboxMs")
                    + "), (SELECT count(*) FROM "
                    + schema.table("redelivery")
                    + " WHERE last_started_at"
                    + past.replace(":ms", ":inboxMs")
                    + ")")
            .bind("outboxMs", outboxRetention.toMillis())
            .bind("inboxMs", inboxRetention.toMillis())
            .map((rs, ctx) -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
            .one());
  }
}
