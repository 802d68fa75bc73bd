package dev.pump.console.internal;

import java.time.Instant;

/** The dashboard's chart of the last hour, from the tables. */
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
    return new Result(null, "throughput is not available yet" + (settings == null ? "" : ""));
  }
}
