package dev.pump.faults.report;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link Books} found: the counts, and the violations by rule with a few examples each.
 *
 * @param counts named counts (inputs, copies, business rows per endpoint, outbox rows...)
 * @param violations broken rules; empty when the books are clean
 */
public record Verdict(Map<String, Long> counts, List<Violation> violations) {
  /** True when no rule is broken. */
  public boolean clean() {
    return violations.isEmpty();
  }

  /** The one-line verdict: {@code CLEAN inputs=... } or {@code VIOLATED rule=n [examples] ...}. */
  public String line() {
    String numbers =
        counts.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
    if (clean()) {
      return "CLEAN " + numbers;
    }
    return "VIOLATED "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "))
        + " | "
        + numbers;
  }

  /** The count named {@code name}, 0 if absent. */
  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /**
   * One broken rule.
   *
   * @param rule the rule's name
   * @param count how many rows break it
   * @param examples up to five of them
   */
  public record Violation(String rule, int count, List<String> examples) {
    @Override
    public String toString() {
      return rule + "=" + count + " " + examples;
    }
  }
}
