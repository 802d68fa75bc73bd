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
 * #FULL_SCAN_EVERY} per key, whenever nothing is known yet, after {@link #forget}, and again and
 * again for as long as scans from the head keep finding rows that far back, so a backlog left there
 * drains at full speed.
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
   * One scan: where it starts (null: from the head), and where the latest row found then stood.
   *
   * @param from the earliest time to look at, or null to scan from the head
   * @param start where a scan that was not from the head would have started (null: nothing known)
   */
  public record Scan(OffsetDateTime from, OffsetDateTime start) {}

  /** Where the next scan of {@code key} starts. */
  public Scan next(String key) {
    return starts.computeIfAbsent(key, k -> new Start()).next(System.nanoTime());
  }

  /**
   * {@code scan} of {@code key} found (and kept) rows, the earliest of time {@code earliest} and
   * the latest of time {@code latest}; a scan from the head that found rows before where scans
   * start means more may lie there, so the next scan is from the head too.
   */
  public void found(String key, Scan scan, OffsetDateTime earliest, OffsetDateTime latest) {
    starts.computeIfAbsent(key, k -> new Start()).found(scan, earliest, latest);
  }

  /** {@code scan} of {@code key} found nothing. */
  public void foundNothing(String key, Scan scan) {
    starts.computeIfAbsent(key, k -> new Start()).foundNothing(scan);
  }

  /** What a claim found was given back (its transaction rolled back): scan from the head next. */
  public void forget(String key) {
    starts.remove(key);
  }

  private static final class Start {
    private OffsetDateTime latest;
    private long lastFullScan;
    private boolean behind;

    synchronized Scan next(long now) {
      OffsetDateTime start = latest == null ? null : latest.minus(OVERLAP);
      if (start == null || behind || now - lastFullScan >= FULL_SCAN_EVERY.toNanos()) {
        lastFullScan = now;
        return new Scan(null, start);
      }
      return new Scan(start, start);
    }

    synchronized void found(Scan scan, OffsetDateTime earliest, OffsetDateTime found) {
      if (scan.from() == null) {
        behind = scan.start() != null && earliest.isBefore(scan.start());
      }
      if (latest == null || found.isAfter(latest)) {
        latest = found;
      }
    }

    synchronized void foundNothing(Scan scan) {
      if (scan.from() == null) {
        behind = false;
      }
    }
  }
}
