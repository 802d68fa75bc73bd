package dev.pump.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Messages handled and outbox rows relayed over a recent window, interval by interval, read from
 * the inbox and the outbox ({@link PumpOperations#throughput}). What a dashboard draws: how much
 * went through, and how long due sends waited for the dispatcher.
 *
 * <p>Both counts come from the audit window the retention cleaner keeps (7 days by default), so any
 * window within it is complete. Times are the database's.
 *
 * @param from the start of the first interval (a whole multiple of {@code interval} since the
 *     epoch)
 * @param to when it was read
 * @param interval the length of each interval
 * @param intervals oldest first, one per interval from {@code from} to {@code to}, empty ones
 *     included
 */
public record Throughput(Instant from, Instant to, Duration interval, List<Interval> intervals) {
  /** The window a dashboard shows by default: {@value #DEFAULT_WINDOW_MINUTES} minutes. */
  public static final int DEFAULT_WINDOW_MINUTES = 60;

  /** The longest window: one day. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  /** The shortest interval: ten seconds. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  /** The most whole intervals a window may hold: {@value}. */
  public static final int MAX_INTERVALS = 1440;

  /** Copies the list. */
  public Throughput {
    intervals = List.copyOf(intervals);
  }

  /** Messages handled in the whole window, by every endpoint of this storage. */
  public long handled() {
    return intervals.stream().mapToLong(Interval::handled).sum();
  }

  /** Outbox rows relayed in the whole window. */
  public long dispatched() {
    return intervals.stream().mapToLong(Interval::dispatched).sum();
  }

  /** The longest relay lag in the window; zero when nothing was relayed. */
  public Duration maxRelayLag() {
    return intervals.stream()
        .map(Interval::relayLagMax)
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }

  /**
   * One interval.
   *
   * @param start when it began
   * @param handled messages handled in it: inbox rows recorded, one per endpoint and message, so
   *     duplicates that were skipped do not count
   * @param dispatched outbox rows the dispatcher relayed in it
   * @param relayLagAvg how long those rows waited, on average, from when they were due (written, or
   *     the end of a delay or back-off) to when they were relayed; zero when none were
   * @param relayLagMax the longest such wait; zero when none were
   */
  public record Interval(
      Instant start, long handled, long dispatched, Duration relayLagAvg, Duration relayLagMax) {}
}
