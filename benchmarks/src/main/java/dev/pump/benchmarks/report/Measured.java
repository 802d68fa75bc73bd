package dev.pump.benchmarks.report;

import dev.pump.benchmarks.harness.DbCost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One system's figure in one case: a rate per measured round (after the warm-up), summarised by its
 * median and spread, with the database cost and latency of the same rounds.
 *
 * @param system what was measured: {@code pump}, {@code pgbench}, {@code gruelbox}, {@code naive}
 * @param unit what the rate counts, e.g. {@code tx/s}
 * @param rounds the rate of each measured round
 * @param details database cost per unit, latency percentiles, operation counts, notes
 */
public record Measured(
    String system, String unit, List<Double> rounds, Map<String, Object> details) {

  public Measured {
    rounds = List.copyOf(rounds);
    details = new LinkedHashMap<>(details);
  }

  /** A system that could not be measured, with the reason. */
  public static Measured missing(String system, String unit, String reason) {
    return new Measured(system, unit, List.of(), Map.of("missing", reason));
  }

  public boolean isMissing() {
    return rounds.isEmpty();
  }

  public double median() {
    if (rounds.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(rounds);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return rounds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  double max() {
    return rounds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** (max - min) / median, in percent: how much the rounds disagree. */
  public double spreadPercent() {
    return rounds.size() < 2 ? 0 : 100 * (max() - min()) / median();
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("system", system);
    json.put("unit", unit);
    if (!isMissing()) {
      json.put("median", DbCost.round(median()));
      json.put("min", DbCost.round(min()));
      json.put("max", DbCost.round(max()));
      json.put("spread_percent", DbCost.round(spreadPercent()));
      json.put("rounds", rounds.stream().map(DbCost::round).toList());
    }
    json.putAll(details);
    return json;
  }
}
