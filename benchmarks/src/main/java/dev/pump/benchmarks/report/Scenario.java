package dev.pump.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one scenario: its cases, the targets judged against them, and a section of {@code
 * latest.md} of its own (empty when the common tables say it all), and how long it took.
 */
public record Scenario(
    String name,
    String title,
    List<Case> cases,
    List<Target> targets,
    String markdown,
    long durationSeconds) {

  public Scenario {
    cases = List.copyOf(cases);
    targets = List.copyOf(targets);
  }

  public Scenario(String name, String title, List<Case> cases, List<Target> targets) {
    this(name, title, cases, targets, "", 0);
  }

  public Scenario(
      String name, String title, List<Case> cases, List<Target> targets, String markdown) {
    this(name, title, cases, targets, markdown, 0);
  }

  /** This scenario, with how long it took recorded in its conditions. */
  public Scenario withDuration(long seconds) {
    return new Scenario(name, title, cases, targets, markdown, seconds);
  }

  Map<String, Object> toJson(Map<String, Object> conditions) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("scenario", name);
    json.put("title", title);
    Map<String, Object> withDuration = new LinkedHashMap<>(conditions);
    withDuration.put("scenario_duration_s", durationSeconds);
    json.put("conditions", withDuration);
    List<Map<String, Object>> caseJson = new ArrayList<>();
    cases.forEach(c -> caseJson.add(c.toJson()));
    json.put("cases", caseJson);
    List<Map<String, Object>> targetJson = new ArrayList<>();
    targets.forEach(t -> targetJson.add(t.toJson()));
    json.put("targets", targetJson);
    return json;
  }
}
