package dev.pump.benchmarks.report;

import dev.pump.benchmarks.harness.DbCost;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A promised figure, judged on this run's figures.
 *
 * @param description what is promised
 * @param value the measured figure, NaN if it could not be measured
 * @param met whether the figure meets the promise; null when not measured
 */
public record Target(String description, double value, Boolean met) {

  public static Target atLeast(String description, double value, double bound) {
    return new Target(description, value, Double.isNaN(value) ? null : value >= bound);
  }

  public static Target atMost(String description, double value, double bound) {
    return new Target(description, value, Double.isNaN(value) ? null : value <= bound);
  }

  String verdict() {
    return met == null ? "not measured" : met ? "met" : "NOT met";
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("target", description);
    json.put("value", Double.isNaN(value) ? null : DbCost.round(value));
    json.put("met", met);
    return json;
  }
}
