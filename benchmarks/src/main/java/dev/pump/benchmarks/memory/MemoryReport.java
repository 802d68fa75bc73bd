package dev.pump.benchmarks.memory;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import java.util.List;
import java.util.Map;

/** The memory section of {@code latest.md}: each drain's heap, RSS and progress. */
public final class MemoryReport {
  private MemoryReport() {}

  static String markdown(List<Case> cases, Plan.MemoryPlan plan) {
    StringBuilder md = new StringBuilder();
    md.append("## Memory (`memory`)\n\n");
    md.append("Each drain runs in a JVM of its own (-Xms = -Xmx = ")
        .append(plan.maxHeap())
        .append(", heap touched at start) for at most ")
        .append(plan.window().toSeconds())
        .append(" s; the large backlog is not drained to the end in that window. Heap after GC ")
        .append("is what the collector left after each collection (its peak over the drain); ")
        .append("live heap mid-drain is after a full collection once ")
        .append(plan.snapshotAt())
        .append(" are done, both drains still running (the figure judged, with the RSS peak; ")
        .append("not measured for a drain too slow to get there in the window); ")
        .append("live heap at end is after a full collection at the end of the window (a busy ")
        .append("drain against a finished one); RSS from /proc/self/status (VmHWM = peak).\n\n");
    md.append(
        "| drained | backlog | processed | per s | heap after GC peak MB | live heap mid-drain MB |"
            + " live heap at end MB | heap used peak MB | RSS peak MB |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Case c : cases) {
      if (!c.name().contains("live heap")) {
        continue; // the RSS case carries the same two drains
      }
      for (Measured m : List.of(c.pump(), c.baselines().getFirst())) {
        Map<String, Object> d = m.details();
        md.append("| ")
            .append(c.conditions().get("drained"))
            .append(" | ")
            .append(d.get("backlog"))
            .append(" | ")
            .append(d.get("processed"))
            .append(" | ")
            .append(d.get("per_s"))
            .append(" | ")
            .append(d.get("heap_after_gc_peak_mb"))
            .append(" | ")
            .append(d.get("heap_live_mid_drain_mb"))
            .append(" | ")
            .append(d.get("heap_live_after_full_gc_mb"))
            .append(" | ")
            .append(d.get("heap_used_peak_mb"))
            .append(" | ")
            .append(d.get("rss_peak_mb"))
            .append(" |\n");
      }
    }
    return md.toString();
  }
}
