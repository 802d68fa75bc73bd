package dev.pump.faults.report;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result of one scenario: the books' verdict and the facts of the run (seed, kills...).
 *
 * @param scenario its name
 * @param verdict what the books say
 * @param facts what happened during the run
 */
public record Outcome(String scenario, Verdict verdict, Map<String, Object> facts) {
  /** Clean books, and every extra expectation of the scenario met. */
  public boolean clean() {
    return verdict.clean()
        && !Boolean.FALSE.equals(facts.get("settled"))
        && !Boolean.FALSE.equals(facts.get("expectationsMet"));
  }

  /** One line: scenario, verdict, facts. */
  public String line() {
    if (facts.containsKey("skipped")) {
      return scenario + ": SKIPPED " + facts.get("skipped");
    }
    return scenario
        + ": "
        + (clean() ? "" : "NOT CLEAN ")
        + verdict.line()
        + " | "
        + facts.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
  }
}
