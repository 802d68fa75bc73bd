package dev.pump.console.internal;

import dev.pump.jdbc.Throughput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's chart of the last hour, minute by minute, from the inbox and outbox tables
 * ({@code PumpOperations.throughput()}): one query.
 */
final class ThroughputSource {
  /**
   * The chart, or why there is none.
   *
   * @param chart the chart, or null
   * @param problem why there is no chart, or null
   */
  record Result(Chart chart, String problem) {}

  private final Settings settings;

  ThroughputSource(Settings settings) {
    this.settings = settings;
  }

  Result lastHour(Instant now) {
    Throughput throughput = settings.operations().throughput();
    List<Throughput.Interval> intervals = throughput.intervals();
    if (intervals.isEmpty()) {
      return new Result(null, "no intervals to show");
    }
    int n = intervals.size();
    List<Instant> starts = new ArrayList<>(n);
    long[] handled = new long[n];
    long[] dispatched = new long[n];
    Duration[] average = new Duration[n];
    Duration[] largest = new Duration[n];
    for (int i = 0; i < n; i++) {
      Throughput.Interval interval = intervals.get(i);
      starts.add(interval.start());
      handled[i] = interval.handled();
      dispatched[i] = interval.dispatched();
      average[i] = interval.relayLagAvg();
      largest[i] = interval.relayLagMax();
    }
    Instant to = throughput.to() == null ? now : throughput.to();
    return new Result(
        Chart.of(
            throughput.from(),
            to,
            throughput.interval(),
            starts,
            handled,
            dispatched,
            average,
            largest),
        null);
  }
}
