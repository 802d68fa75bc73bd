package dev.pump.jdbc.internal.queue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where a receive starts looking for the next message of a queue, so that it does not walk the dead
 * row versions every handled message leaves at the head of the queue's index. Those are cheap while
 * vacuum keeps up, but while any snapshot in the database is older than them (a long transaction, a
 * stuck report) nothing can remove or skip them, and a scan from the head would walk all of them
 * for every message.
 *
 * <p>A queue's scan starts {@link #OVERLAP} before the latest visibility time a receive here found,
 * which covers messages committed a little out of order by concurrent senders. What lies further
 * back (a message whose delivery lease ran out while its process died, one committed by a
 * transaction slower than the overlap) is found by a scan from the head, made once every {@link
 * #FULL_SCAN_EVERY} per queue, and whenever nothing is known yet.
 *
 * <p>Thread-safe.
 */
public final class ScanStarts {
  /** How far before the latest message found a scan starts: 250 ms. */
  public static final Duration OVERLAP = Duration.ofMillis(250);

  /** How often a queue is scanned from its head: every second. */
  public static final Duration FULL_SCAN_EVERY = Duration.ofSeconds(1);

  private final ConcurrentMap<String, Start> starts = new ConcurrentHashMap<>();

  /**
   * Where the next scan of {@code queue} starts.
   *
   * @return the earliest visibility time to look at, or null to scan from the head
   */
  public OffsetDateTime from(String queue) {
    return starts.computeIfAbsent(queue, q -> new Start()).next(System.nanoTime());
  }

  /** A receive of {@code queue} found a message that became visible at {@code visibleAt}. */
  public void found(String queue, OffsetDateTime visibleAt) {
    starts.computeIfAbsent(queue, q -> new Start()).found(visibleAt);
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

    synchronized void found(OffsetDateTime visibleAt) {
      if (latest == null || visibleAt.isAfter(latest)) {
        latest = visibleAt;
      }
    }
  }
}
