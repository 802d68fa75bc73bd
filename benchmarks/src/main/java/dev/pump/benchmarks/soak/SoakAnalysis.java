package dev.pump.benchmarks.soak;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.TableStats;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.benchmarks.report.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges a soak's samples:
 *
 * <ul>
 *   <li><b>drift</b>: mean throughput of the last minute against the first;
 *   <li><b>the level before</b>: each table's largest dead-tuple count in the minute before the
 *       long transaction; 1.5 times that plus 1,000 is its normal band (autovacuum makes a
 *       sawtooth, so a single sample is not a level);
 *   <li><b>recovery</b>: the time from the end of the long transaction to the first sample at which
 *       every table is back in its band and the backlogs are back to normal;
 *   <li><b>plateau</b>: at the end, table + index size is at most 5% above the largest it reached
 *       in the plateau window (the last minutes of the run) before its last minute: a table that
 *       vacuum shortened and that refilled to its working size has a plateau, one still growing
 *       past its earlier sizes has none; in the last minute dead tuples are back in their band (the
 *       plateau window may still hold the echo of the backlog the long transaction built: its rows,
 *       handled in a burst, are purged in a burst a retention later).
 * </ul>
 */
public final class SoakAnalysis {
  private static final double SIZE_GROWTH_BOUND = 0.05;

  private final List<SoakSample> samples;
  private final Plan.SoakPlan plan;
  private final double rate;
  private final double longBegin;
  private final double longEnd;
  private final double window;

  SoakAnalysis(
      List<SoakSample> samples, Plan.SoakPlan plan, double rate, double longBegin, double longEnd) {
    this.samples = samples;
    this.plan = plan;
    this.rate = rate;
    this.longBegin = longBegin;
    this.longEnd = longEnd;
    // "first and last minute" of a short (quick) soak: its first and last thirds
    this.window = Math.min(60, plan.duration().toSeconds() / 3.0);
  }

  Scenario scenario(Map<String, Object> setup) {
    double first = meanThroughput(0, window);
    double end = samples.isEmpty() ? 0 : samples.getLast().seconds();
    double last = meanThroughput(end - window, end);
    double drift = first == 0 ? Double.NaN : (last - first) / first;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("setup", setup);
    details.put("first_window_msgs_per_s", DbCost.round(first));
    details.put("last_window_msgs_per_s", DbCost.round(last));
    details.put("window_s", DbCost.round(window));
    details.put("plateau_window_s", plan.plateauWindow().toSeconds());
    details.put("drift", DbCost.round(drift));
    Map<String, Object> tables = new LinkedHashMap<>();
    double worstGrowth = Double.NaN;
    double worstDead = Double.NaN;
    for (String table : TableStats.HOT_TABLES) {
      TableSummary summary = summarise(table);
      tables.put(table, summary.toJson());
      worstGrowth = maxOf(worstGrowth, summary.growthInPlateau());
      worstDead = maxOf(worstDead, summary.deadAtEnd() / (double) summary.band());
    }
    details.put("tables", tables);
    double recovery = recoverySeconds();
    double observed = end - longEnd;
    details.put("recovery_s", Double.isNaN(recovery) ? null : DbCost.round(recovery));
    details.put("observed_after_long_transaction_s", DbCost.round(observed));
    details.put("samples", samples.stream().map(SoakSample::toJson).toList());
    Measured pump = new Measured("pump", "msgs/s", perWindowThroughput(), details);
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("transport", "postgres");
    conditions.put("offered_msgs_per_s", DbCost.round(rate));
    conditions.put("duration_s", plan.duration().toSeconds());
    Case soakCase = new Case("70% of sustainable", conditions, pump, List.of());
    String minutes = minutes(plan.plateauWindow().toSeconds());
    List<Target> targets = new ArrayList<>();
    targets.add(
        Target.atMost(
            "soak: throughput drift ≤ 10% (last vs first minute)", Math.abs(drift), 0.10));
    targets.add(
        Target.atMost(
            "soak: table + index size at the end ≤ 5% above its largest in the last "
                + minutes
                + " before the last minute (worst of queue_message, inbox, outbox)",
            worstGrowth,
            SIZE_GROWTH_BOUND));
    targets.add(
        Target.atMost(
            "soak: dead tuples in the last minute back within 1.5× (+1,000) of their level before"
                + " the long transaction (worst table, as a multiple of that band)",
            worstDead,
            1.0));
    if (Double.isNaN(recovery)) {
      targets.add(
          new Target(
              "soak: recovery after the long transaction ≤ 5 min (not recovered in the "
                  + Math.round(observed)
                  + " s observed)",
              observed,
              false));
    } else {
      targets.add(
          Target.atMost("soak: recovery after the long transaction ≤ 5 min (s)", recovery, 300));
    }
    return new Scenario(
        Soak.NAME,
        "Soak: 70% of the sustainable rate with a long REPEATABLE READ transaction in the middle",
        List.of(soakCase),
        targets,
        SoakReport.markdown(soakCase, samples, longBegin, longEnd));
  }

  /**
   * One table over the soak.
   *
   * @param deadBefore the largest dead-tuple count in the minute before the long transaction
   * @param deadPeak the largest at any sample after it began
   * @param deadInPlateau the largest in the plateau window
   * @param deadAtEnd the largest in the last minute
   * @param bytesBefore size at the last sample before the long transaction
   * @param bytesAtLongEnd size at the first sample after it ended
   * @param bytesAtEnd size at the last sample
   * @param growthInPlateau size at the end relative to the largest in the plateau window before its
   *     last minute
   */
  record TableSummary(
      long deadBefore,
      long deadPeak,
      long deadInPlateau,
      long deadAtEnd,
      long bytesBefore,
      long bytesAtLongEnd,
      long bytesAtEnd,
      double growthInPlateau) {

    /** The normal band of dead tuples: 1.5 times the level before, plus 1,000. */
    long band() {
      return Math.round(1.5 * deadBefore) + 1_000;
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("dead_tuples_before_long_transaction", deadBefore);
      json.put("dead_tuples_band", band());
      json.put("dead_tuples_peak", deadPeak);
      json.put("dead_tuples_max_in_plateau_window", deadInPlateau);
      json.put("dead_tuples_max_in_last_window", deadAtEnd);
      json.put("bytes_before_long_transaction", bytesBefore);
      json.put("bytes_after_long_transaction", bytesAtLongEnd);
      json.put("bytes_at_end", bytesAtEnd);
      json.put("size_growth_in_plateau_window", DbCost.round(growthInPlateau));
      return json;
    }
  }

  private TableSummary summarise(String table) {
    double end = samples.isEmpty() ? 0 : samples.getLast().seconds();
    double plateauStart = end - plan.plateauWindow().toSeconds();
    long deadBefore = 0;
    long deadPeak = 0;
    long deadInPlateau = 0;
    long deadAtEnd = 0;
    long bytesBefore = 0;
    long bytesAtLongEnd = -1;
    long largestBeforeLastMinute = -1;
    for (SoakSample sample : samples) {
      long dead = sample.deadTuples(table);
      double t = sample.seconds();
      if (isBefore(t)) {
        deadBefore = Math.max(deadBefore, dead);
        bytesBefore = sample.bytes(table);
      }
      if (t >= longBegin) {
        deadPeak = Math.max(deadPeak, dead);
      }
      if (t >= longEnd && bytesAtLongEnd < 0) {
        bytesAtLongEnd = sample.bytes(table);
      }
      if (t > end - window) {
        deadAtEnd = Math.max(deadAtEnd, dead);
      }
      if (t >= plateauStart) {
        deadInPlateau = Math.max(deadInPlateau, dead);
        if (t <= end - window) {
          largestBeforeLastMinute = Math.max(largestBeforeLastMinute, sample.bytes(table));
        }
      }
    }
    long bytesAtEnd = samples.isEmpty() ? 0 : samples.getLast().bytes(table);
    double growth =
        largestBeforeLastMinute <= 0
            ? Double.NaN
            : (bytesAtEnd - largestBeforeLastMinute) / (double) largestBeforeLastMinute;
    return new TableSummary(
        deadBefore,
        deadPeak,
        deadInPlateau,
        deadAtEnd,
        bytesBefore,
        bytesAtLongEnd,
        bytesAtEnd,
        growth);
  }

  /** Whether a sample at {@code t} is in the minute before the long transaction. */
  private boolean isBefore(double t) {
    return t < longBegin && t >= longBegin - window;
  }

  /**
   * Seconds from the end of the long transaction to the first sample with every table's dead tuples
   * in its band and the backlogs normal; NaN if that never happened.
   */
  private double recoverySeconds() {
    if (Double.isNaN(longEnd) || longEnd < 0) {
      return Double.NaN;
    }
    Map<String, Long> bands = new LinkedHashMap<>();
    for (String table : TableStats.HOT_TABLES) {
      bands.put(table, summarise(table).band());
    }
    long backlogBefore = 0;
    for (SoakSample sample : samples) {
      if (isBefore(sample.seconds())) {
        backlogBefore = Math.max(backlogBefore, sample.inputBacklog() + sample.outboxPending());
      }
    }
    // a second's worth of messages is normal jitter on a shared machine
    long normalBacklog = Math.max(2 * backlogBefore, Math.round(rate));
    for (SoakSample sample : samples) {
      if (sample.seconds() < longEnd) {
        continue;
      }
      boolean inBand =
          bands.entrySet().stream().allMatch(e -> sample.deadTuples(e.getKey()) <= e.getValue());
      if (inBand && sample.inputBacklog() + sample.outboxPending() <= normalBacklog) {
        return sample.seconds() - longEnd;
      }
    }
    return Double.NaN;
  }

  private double meanThroughput(double from, double to) {
    return samples.stream()
        .filter(s -> s.seconds() > from + 1e-6 && s.seconds() <= to + 1e-6)
        .mapToDouble(SoakSample::handledPerS)
        .average()
        .orElse(0);
  }

  /** Throughput per window (per minute in a full run): the "rounds" of the soak's figure. */
  private List<Double> perWindowThroughput() {
    List<Double> rates = new ArrayList<>();
    double end = samples.isEmpty() ? 0 : samples.getLast().seconds();
    for (double from = 0; from + window <= end + 1e-6; from += window) {
      rates.add(meanThroughput(from, from + window));
    }
    return rates;
  }

  private static double maxOf(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }

  private static String minutes(long seconds) {
    return seconds % 60 == 0
        ? (seconds / 60) + " min"
        : String.format(Locale.ROOT, "%d s", seconds);
  }
}
