package dev.pump.benchmarks.report;

import dev.pump.benchmarks.harness.DbCost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One case of a scenario (e.g. write path, k = 5, concurrency 8): Pump's figure and its baselines,
 * measured in the same run, and the conditions that differ between cases.
 */
public record Case(
    String name, Map<String, Object> conditions, Measured pump, List<Measured> baselines) {

  public Case {
    conditions = new LinkedHashMap<>(conditions);
    baselines = List.copyOf(baselines);
  }

  /** Pump's median over the baseline's; NaN when either is missing. */
  public double ratio(Measured baseline) {
    if (pump.isMissing() || baseline.isMissing() || baseline.median() == 0) {
      return Double.NaN;
    }
    return pump.median() / baseline.median();
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("case", name);
    json.put("conditions", conditions);
    json.put("pump", pump.toJson());
    List<Map<String, Object>> base = new ArrayList<>();
    Map<String, Object> ratios = new LinkedHashMap<>();
    for (Measured baseline : baselines) {
      base.add(baseline.toJson());
      double ratio = ratio(baseline);
      ratios.put(baseline.system(), Double.isNaN(ratio) ? null : DbCost.round(ratio));
    }
    json.put("baselines", base);
    json.put("ratios", ratios);
    return json;
  }
}
