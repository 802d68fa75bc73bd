package dev.pump.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of one scenario: its cases and the targets judged against them. */
record Scenario(String name, String title, List<Case> cases, List<Target> targets) {

  Scenario {
    cases = List.copyOf(cases);
    targets = List.copyOf(targets);
  }

  Map<String, Object> toJson(Map<String, Object> conditions) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("scenario", name);
    json.put("title", title);
    json.put("conditions", conditions);
    List<Map<String, Object>> caseJson = new ArrayList<>();
    cases.forEach(c -> caseJson.add(c.toJson()));
    json.put("cases", caseJson);
    List<Map<String, Object>> targetJson = new ArrayList<>();
    targets.forEach(t -> targetJson.add(t.toJson()));
    json.put("targets", targetJson);
    return json;
  }
}
