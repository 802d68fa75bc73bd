package dev.pump.jdbc.internal.sql;

import dev.pump.jdbc.PumpOperations;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The numbers a metrics sampler reads on an interval, in one statement over the outbox, the queue
 * table and {@code pg_stat_activity}: per destination the rows waiting and parked and the oldest
 * waiting row's age, per PostgreSQL queue its depth and oldest message's age, and the age of the
 * oldest transaction open in the database (it holds back vacuum of Pump's tables). Thread-safe.
 */
public final class StatisticsQuery {
  private final String sql;

  /** Builds the statement for {@code schema} once. */
  public StatisticsQuery(SchemaName schema) {
    this.sql =
        "SELECT 'outbox' AS kind, destination AS name,"
            + " count(*) FILTER (WHERE parked_at IS NULL) AS a,"
            + " count(*) FILTER (WHERE parked_at IS NOT NULL) AS b,"
            + " coalesce(extract(epoch FROM now() - min(created_at) FILTER"
            + " (WHERE parked_at IS NULL)) * 1000, 0) AS oldest_ms FROM "
            + schema.table("outbox")
            + " WHERE dispatched_at IS NULL GROUP BY destination"
            + " UNION ALL SELECT 'queue', queue, count(*),"
            + " count(*) FILTER (WHERE visible_at <= now()"
            + " AND (leased_until IS NULL OR leased_until <= now())),"
            + " extract(epoch FROM now() - min(enqueued_at)) * 1000 FROM "
            + schema.table("queue_message")
            + " GROUP BY queue"
            + " UNION ALL SELECT 'transaction', '', 0, 0,"
            + " coalesce(extract(epoch FROM now() - min(xact_start)) * 1000, 0)"
            + " FROM pg_stat_activity WHERE datname = current_database()"
            + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            + " ORDER BY 1, 2";
  }

  /** Reads them now. */
  public PumpOperations.Statistics read(Handle handle) {
    List<PumpOperations.OutboxStatistics> outbox = new ArrayList<>();
    List<PumpOperations.QueueDepth> queues = new ArrayList<>();
    Duration[] longest = {Duration.ZERO};
    handle
        .createQuery(sql)
        .map((rs, ctx) -> {
          String name = rs.getString("name");
          long a = rs.getLong("a");
          long b = rs.getLong("b");
          Duration oldest = Duration.ofMillis(Math.round(rs.getDouble("oldest_ms")));
          switch (rs.getString("kind")) {
            case "outbox" -> outbox.add(new PumpOperations.OutboxStatistics(name, a, b, oldest));
            case "queue" -> queues.add(new PumpOperations.QueueDepth(name, a, b, oldest));
            default -> longest[0] = oldest;
          }
          return name;
        })
        .list();
    return new PumpOperations.Statistics(Instant.now(), outbox, queues, longest[0]);
  }
}
