package dev.pump.benchmarks.endtoend;

import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-to-end section of {@code latest.md}: rates, the ratio, and the paced run's latency. */
public final class EndToEndReport {
  private EndToEndReport() {}

  static String markdown(List<Case> cases) {
    StringBuilder md = new StringBuilder();
    md.append("## End to end (`end-to-end`)\n\n");
    md.append("Sustainable rate: closed loop, at most ")
        .append(EndToEndRuns.IN_FLIGHT)
        .append(" messages enqueued and not yet handled; the rate is the smaller of handled and ")
        .append("dispatched per second (median of the rounds). Latency: paced at half that rate, ")
        .append("from each message's intended enqueue time; \"handled\" is the commit of the ")
        .append("handler's transaction, \"dispatch\" the return of the relay's send to the second ")
        .append("queue.\n\n");
    md.append(
        "| transport | Pump msgs/s | pgbench msgs/s | ratio | paced msgs/s | enqueue→handled"
            + " p50 / p99 / p99.9 ms | commit→dispatch p50 / p99 / p99.9 ms | max backlog in /"
            + " outbox |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |\n");
    for (Case c : cases) {
      Measured pgbench = c.baselines().getFirst();
      Map<?, ?> paced = (Map<?, ?>) c.pump().details().get("latency_at_half_rate");
      md.append("| ")
          .append(c.name())
          .append(" | ")
          .append(rate(c.pump()))
          .append(" | ")
          .append(pgbench.isMissing() ? "missing" : rate(pgbench))
          .append(" | ")
          .append(
              Double.isNaN(c.ratio(pgbench))
                  ? "—"
                  : String.format(Locale.ROOT, "%.2f", c.ratio(pgbench)))
          .append(" | ")
          .append(paced == null ? "—" : paced.get("rate_msgs_per_s"))
          .append(" | ")
          .append(percentiles(paced, "enqueue_to_handled"))
          .append(" | ")
          .append(percentiles(paced, "commit_to_dispatch"))
          .append(" | ")
          .append(paced == null ? "—" : paced.get("max_input_backlog"))
          .append(" / ")
          .append(paced == null ? "—" : paced.get("max_outbox_pending"))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String rate(Measured m) {
    return String.format(Locale.ROOT, "%,.0f ±%.0f%%", m.median(), m.spreadPercent());
  }

  private static String percentiles(Map<?, ?> paced, String key) {
    if (paced == null || !(paced.get(key) instanceof Map<?, ?> latency)) {
      return "—";
    }
    return latency.get("p50_ms") + " / " + latency.get("p99_ms") + " / " + latency.get("p99_9_ms");
  }
}
