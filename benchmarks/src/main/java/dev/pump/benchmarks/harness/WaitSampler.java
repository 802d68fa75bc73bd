package dev.pump.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;

/**
 * Samples {@code pg_stat_activity} every few milliseconds for the server processes of one
 * application: what share of the time they were running ({@code active}), waiting for the client
 * inside a transaction ({@code idle in transaction}) or between transactions ({@code idle}), or
 * waiting for a lock, I/O or the WAL ({@code Lock:object}, {@code IO:WalSync}, ...). Where the time
 * of a transaction goes, seen from the server.
 */
public final class WaitSampler {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final Thread thread;
  private long total;

  private WaitSampler(Database database, String application) {
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("bench-wait-sampler")
            .start(() -> database.admin().useHandle(h -> sample(h, application)));
  }

  static WaitSampler start(Database database, String application) {
    return new WaitSampler(database, application);
  }

  private void sample(Handle handle, String application) {
    var query =
        handle.createQuery(
            // a process waiting for its client shows its state: idle (between transactions) or
            // idle in transaction (the client is doing something mid-transaction)
            "SELECT CASE WHEN wait_event = 'ClientRead' THEN state"
                + " ELSE coalesce(wait_event_type || ':' || wait_event, state, 'unknown') END AS what,"
                + " count(*) AS bench_probe FROM pg_stat_activity"
                + " WHERE application_name = :app AND backend_type = 'client backend'"
                + " GROUP BY 1");
    while (running.get()) {
      List<Map.Entry<String, Long>> rows =
          query
              .bind("app", application)
              .map((rs, ctx) -> Map.entry(rs.getString("what"), rs.getLong("bench_probe")))
              .list();
      synchronized (counts) {
        for (Map.Entry<String, Long> row : rows) {
          counts.merge(row.getKey(), row.getValue(), Long::sum);
          total += row.getValue();
        }
      }
      Database.sleep(5);
    }
  }

  /** Stops and returns each state's share of the samples, in percent, largest first. */
  Map<String, Object> stop() {
    running.set(false);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<String, Object> shares = new LinkedHashMap<>();
    synchronized (counts) {
      counts.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(8)
          .forEach(
              e -> shares.put(e.getKey(), DbCost.round(100.0 * e.getValue() / Math.max(1, total))));
    }
    return shares;
  }
}
