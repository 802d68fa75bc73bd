package dev.pump.jdbc.internal.sql;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where a claim starts looking in an index ordered by time (a queue's {@code visible_at}, the
 * outbox's {@code due_at}), so that it does not walk the dead row versions every handled row leaves
 * at the head of that index. Those are cheap while vacuum keeps up, but while any snapshot in the
 * database is older than them (a long transaction, a stuck report) nothing can remove or skip them,
 * and a scan from the head would walk all of them for every claim.
 *
 * <p>A scan of a key (a queue, the outbox) starts {@link #OVERLAP} before the latest time a claim
 * here found, which covers rows committed a little out of order by concurrent writers (rows are
 * stamped with the time of their insert, just before commit). What lies further back (a row whose
 * lease ran out while its process died, one committed by a transaction slower than the overlap, one
 * of a destination that was paused) is found by a scan from the head, made once every {@link
 * #FULL_SCAN_EVERY} per key, whenever nothing is known yet, and after {@link #forget}.
 *
 * <p>Thread-safe.
 */
public final class ScanStarts {
  /** How far before the latest row found a scan starts: 250 ms. */
  public static final Duration OVERLAP = Duration.ofMillis(250);

  /** How often a key is scanned from its head: every second. */
  public static final Duration FULL_SCAN_EVERY = Duration.ofSeconds(1);

  private final ConcurrentMap<String, Start> starts = new ConcurrentHashMap<>();

  /**
   * Where the next scan of {@code key} starts.
   *
   * @return the earliest time to look at, or null to scan from the head
   */
  public OffsetDateTime from(String key) {
    return starts.computeIfAbsent(key, k -> new Start()).next(System.nanoTime());
  }

  /** A claim of {@code key} found (and kept) a row of time {@code at}. */
  public void found(String key, OffsetDateTime at) {
    starts.computeIfAbsent(key, k -> new Start()).found(at);
  }

  /** What a claim found was given back (its transaction rolled back): scan from the head next. */
  public void forget(String key) {
    starts.remove(key);
  }

  private static final class Start {
    private OffsetDateTime latest;
    private long lastFullScan;

    synchronized OffsetDateTime next(long now) {
      if (latest == null || now - lastFullScan >= FULL_SCAN_EVERY.toNanos()) {
        lastFullScan = now;
        return null;
      }
      return latest.minus(OVERLAP);
    }

    synchronized void found(OffsetDateTime at) {
      if (latest == null || at.isAfter(latest)) {
        latest = at;
      }
    }
  }
}
