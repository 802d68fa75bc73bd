package dev.pump.benchmarks.endtoend;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end section of {@code latest.md}: Pump's rate beside both ceilings, the ratios, the
 * paced run's latency, and the competing endpoints against one.
 */
public final class EndToEndReport {
  private EndToEndReport() {}

  static String markdown(List<Case> cases, Plan.EndToEndPlan plan) {
    StringBuilder md = new StringBuilder();
    md.append("## End to end (`end-to-end`)\n\n");
    md.append("Pump's endpoint: concurrency ")
        .append(plan.concurrency())
        .append(", up to ")
        .append(plan.messagesPerTransaction())
        .append(" messages per receive and transaction. Sustainable rate: closed loop, at most ")
        .append(EndToEndRuns.IN_FLIGHT_PER_PERMIT)
        .append("× the concurrency enqueued and not yet handled; the rate is the smaller of ")
        .append("handled and dispatched per second (median of the rounds). Ceilings, pgbench in ")
        .append("the same rounds: `")
        .append(EndToEnd.PER_MESSAGE)
        .append("` runs Pump's SQL before batching, one message per transaction, with ")
        .append(plan.perMessageClients())
        .append(" clients; `")
        .append(EndToEnd.BATCHED)
        .append("` the SQL of Pump's batches of ")
        .append(plan.messagesPerTransaction())
        .append(" beside the producer's enqueues (one message per transaction, weighted ")
        .append(plan.messagesPerTransaction())
        .append(" to 1), with ")
        .append(plan.producers())
        .append(" clients, as many as the producer's threads (RabbitMQ: the batch alone, with ")
        .append(plan.perMessageClients())
        .append(")")
        .append(". Latency: paced at half the ")
        .append("sustainable rate, from each message's intended enqueue time; \"handled\" is the ")
        .append(
            "commit of the batch's transaction, \"dispatch\" the return of the relay's send to ")
        .append("the second queue.\n\n");
    md.append(
        "| transport | Pump msgs/s | per-message msgs/s | Pump / per-message | batched msgs/s |"
            + " Pump / batched | messages per receive | paced msgs/s | enqueue→handled p50 / p99"
            + " / p99.9 ms | commit→dispatch p50 / p99 / p99.9 ms | max backlog in / outbox |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |\n");
    StringBuilder competing = new StringBuilder();
    for (Case c : cases) {
      if (c.baselines().getFirst().system().equals(EndToEnd.UNOBSERVED)) {
        Measured plain = c.baselines().getFirst();
        competing
            .append("\nObservability, ")
            .append(c.name())
            .append(": ")
            .append(rate(c.pump()))
            .append(" msgs/s with metrics and traces against ")
            .append(rate(plain))
            .append(" without, in the same rounds, ")
            .append(ratio(c, plain))
            .append("× (")
            .append(c.pump().details().get("setup"))
            .append(").\n");
        continue;
      }
      if (c.baselines().getFirst().system().equals(EndToEnd.ONE_ENDPOINT)) {
        Measured one = c.baselines().getFirst();
        competing
            .append("\nCompeting consumers, ")
            .append(c.name())
            .append(": ")
            .append(rate(c.pump()))
            .append(" msgs/s against one endpoint's ")
            .append(rate(one))
            .append(" in the same rounds, ")
            .append(ratio(c, one))
            .append("× (")
            .append(c.pump().details().get("setup"))
            .append(").\n");
        continue;
      }
      Measured perMessage = c.baselines().get(0);
      Measured batched = c.baselines().get(1);
      Map<?, ?> paced = (Map<?, ?>) c.pump().details().get("latency_at_half_rate");
      md.append("| ")
          .append(c.name())
          .append(" | ")
          .append(rate(c.pump()))
          .append(" | ")
          .append(rate(perMessage))
          .append(" | ")
          .append(ratio(c, perMessage))
          .append(" | ")
          .append(rate(batched))
          .append(" | ")
          .append(ratio(c, batched))
          .append(" | ")
          .append(messagesPerReceive(c.pump()))
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
    return md.append(competing).toString();
  }

  private static String rate(Measured m) {
    return m.isMissing()
        ? "missing"
        : String.format(Locale.ROOT, "%,.0f ±%.0f%%", m.median(), m.spreadPercent());
  }

  private static String ratio(Case c, Measured baseline) {
    double ratio = c.ratio(baseline);
    return Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2f", ratio);
  }

  /** The median over the capacity rounds of the mean batch a receive returned. */
  private static String messagesPerReceive(Measured pump) {
    if (!(pump.details().get("capacity_rounds") instanceof List<?> rounds) || rounds.isEmpty()) {
      return "—";
    }
    double[] sizes =
        rounds.stream()
            .map(r -> ((Map<?, ?>) r).get("messages_per_receive"))
            .filter(Number.class::isInstance)
            .mapToDouble(n -> ((Number) n).doubleValue())
            .sorted()
            .toArray();
    return sizes.length == 0 ? "—" : String.format(Locale.ROOT, "%.1f", sizes[sizes.length / 2]);
  }

  private static String percentiles(Map<?, ?> paced, String key) {
    if (paced == null || !(paced.get(key) instanceof Map<?, ?> latency)) {
      return "—";
    }
    return latency.get("p50_ms") + " / " + latency.get("p99_ms") + " / " + latency.get("p99_9_ms");
  }
}
