package dev.pump.jdbc.internal.operations;

import dev.pump.jdbc.Throughput;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Counts handled messages (inbox rows by {@code processed_at}) and relayed outbox rows (by {@code
 * dispatched_at}, with how long each waited after {@code due_at}) per interval of a window, in one
 * statement over the two retention indexes. Intervals are aligned to whole multiples of their
 * length since the epoch, so two reads a moment apart put a message in the same interval.
 * Thread-safe.
 */
public final class ThroughputQuery {
  private final String sql;

  /** Builds the statement for {@code schema} once. */
  public ThroughputQuery(SchemaName schema) {
    String bin = "date_bin(:s * interval '1 second', %s, timestamptz 'epoch')";
    this.sql =
        "WITH bounds AS (SELECT "
            + bin.formatted("now() - :window * interval '1 second'")
            + " AS from_at, now() AS to_at),"
            + " handled AS (SELECT "
            + bin.formatted("processed_at")
            + " AS start_at, count(*) AS n FROM "
            + schema.table("inbox")
            + ", bounds WHERE processed_at >= bounds.from_at GROUP BY 1),"
            + " relayed AS (SELECT "
            + bin.formatted("dispatched_at")
            + " AS start_at, count(*) AS n,"
            + " avg(extract(epoch FROM greatest(dispatched_at - due_at, interval '0'))) AS lag_avg,"
            + " max(extract(epoch FROM greatest(dispatched_at - due_at, interval '0'))) AS lag_max"
            + " FROM "
            + schema.table("outbox")
            + ", bounds WHERE dispatched_at >= bounds.from_at GROUP BY 1)"
            + " SELECT g.start_at, bounds.to_at, coalesce(h.n, 0) AS handled,"
            + " coalesce(r.n, 0) AS dispatched, coalesce(r.lag_avg, 0) AS lag_avg,"
            + " coalesce(r.lag_max, 0) AS lag_max"
            + " FROM bounds CROSS JOIN LATERAL generate_series(bounds.from_at, bounds.to_at,"
            + " :s * interval '1 second') AS g(start_at)"
            + " LEFT JOIN handled h ON h.start_at = g.start_at"
            + " LEFT JOIN relayed r ON r.start_at = g.start_at ORDER BY 1";
  }

  /**
   * Reads the last {@code window} in intervals of {@code interval}.
   *
   * @throws IllegalArgumentException if the window or interval is out of range, naming which
   */
  public Throughput read(Handle handle, Duration window, Duration interval) {
    check(window, interval);
    Instant[] to = {null};
    List<Throughput.Interval> intervals =
        handle
            .createQuery(sql)
            .bind("window", window.toSeconds())
            .bind("s", interval.toSeconds())
            .map((rs, ctx) -> {
              to[0] = rs.getTimestamp("to_at").toInstant();
              return new Throughput.Interval(
                  rs.getTimestamp("start_at").toInstant(),
                  rs.getLong("handled"),
                  rs.getLong("dispatched"),
                  seconds(rs.getDouble("lag_avg")),
                  seconds(rs.getDouble("lag_max")));
            })
            .list();
    Instant from = intervals.isEmpty() ? to[0] : intervals.getFirst().start();
    return new Throughput(from, to[0], interval, intervals);
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
  }

  private static void check(Duration window, Duration interval) {
    if (window == null || interval == null) {
      throw new IllegalArgumentException("window and interval are required");
    }
    if (window.compareTo(Duration.ofMinutes(1)) < 0
        || window.compareTo(Throughput.MAX_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "window must be between 1 minute and " + Throughput.MAX_WINDOW + ", was " + window);
    }
    if (interval.compareTo(Throughput.MIN_INTERVAL) < 0
        || interval.compareTo(window) > 0
        || interval.toNanos() % 1_000_000_000L != 0) {
      throw new IllegalArgumentException(
          "interval must be whole seconds between "
              + Throughput.MIN_INTERVAL
              + " and the window ("
              + window
              + "), was "
              + interval);
    }
    if (window.toSeconds() / interval.toSeconds() > Throughput.MAX_INTERVALS) {
      throw new IllegalArgumentException(
          "window / interval must give at most "
              + Throughput.MAX_INTERVALS
              + " intervals, was "
              + window.toSeconds() / interval.toSeconds());
    }
  }
}
