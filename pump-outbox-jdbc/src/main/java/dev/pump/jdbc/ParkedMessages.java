package dev.pump.jdbc;

import dev.pump.core.internal.shared.Names;
import dev.pump.jdbc.internal.sql.SqlArrays;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Outbox rows the dispatcher gave up on after their last allowed attempt. They are kept, with their
 * last error, until an operator re-queues them once the destination is fixed. Thread-safe.
 */
public final class ParkedMessages {
  private final JdbcStorage storage;
  private final Jdbi jdbi;
  private final String table;

  ParkedMessages(JdbcStorage storage) {
    this.storage = storage;
    this.jdbi = storage.jdbi();
    this.table = storage.schema().table("outbox");
  }

  /**
   * One parked row.
   *
   * @param id the outbox row id
   * @param destination its queue, or its message type's topic for a publish
   * @param messageId the message id
   * @param attempts failed attempts made
   * @param lastError the last failure
   * @param parkedAt when it was parked
   */
  public record Parked(
      long id,
      String destination,
      String messageId,
      int attempts,
      String lastError,
      Instant parkedAt) {}

  /** The oldest {@code limit} parked rows. */
  public List<Parked> list(int limit) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "SELECT id, destination, message_id, attempts, last_error, parked_at FROM "
                    + table
                    + " WHERE parked_at IS NOT NULL ORDER BY parked_at, id LIMIT :limit")
            .bind("limit", limit)
            .map((rs, ctx) ->
                new Parked(
                    rs.getLong("id"),
                    rs.getString("destination"),
                    rs.getString("message_id"),
                    rs.getInt("attempts"),
                    rs.getString("last_error"),
                    rs.getObject("parked_at", OffsetDateTime.class).toInstant()))
            .list());
  }

  /** Re-queues every parked row. @return how many */
  public int requeueAll() {
    return requeue("TRUE", null);
  }

  /** Re-queues the parked rows of one destination. @return how many */
  public int requeueDestination(String destination) {
    Names.require("destination", destination);
    return requeue("destination = :destination", destination);
  }

  /** Re-queues the parked rows with these ids (others are ignored). @return how many */
  public int requeue(long... ids) {
    int count =
        jdbi.withHandle(h ->
            h.createUpdate(requeueSql("id = ANY(:ids::bigint[])"))
                .bind("ids", SqlArrays.bigint(ids))
                .execute());
    storage.outboxCommitted(); // re-queued rows are due now, here and in other processes
    return count;
  }

  private int requeue(String condition, String destination) {
    int count =
        jdbi.withHandle(h -> {
          var update = h.createUpdate(requeueSql(condition));
          if (destination != null) {
            update.bind("destination", destination);
          }
          return update.execute();
        });
    storage.outboxCommitted(); // re-queued rows are due now, here and in other processes
    return count;
  }

  // attempts restart at zero; last_error stays for the audit trail
  private String requeueSql(String condition) {
    return "UPDATE "
        + table
        + " SET parked_at = NULL, attempts = 0, due_at = now() WHERE parked_at IS NOT NULL AND "
        + condition;
  }
}
