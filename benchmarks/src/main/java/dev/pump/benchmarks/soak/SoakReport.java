package dev.pump.benchmarks.soak;

import dev.pump.benchmarks.report.Case;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's section of {@code latest.md}: the summary per table and a minute-by-minute series. */
public final class SoakReport {
  private SoakReport() {}

  static String markdown(Case soak, List<SoakSample> samples, double longBegin, double longEnd) {
    Map<String, Object> details = soak.pump().details();
    StringBuilder md = new StringBuilder();
    md.append("## Soak (`soak`)\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Offered %s msgs/s for %s s (PostgreSQL transport); REPEATABLE READ transaction open"
                + " from %.0f s to %.0f s. Throughput first window %s, last %s msgs/s (drift %s);"
                + " recovery %s s after the transaction ended. Plateau window: the last %s s; last"
                + " window: the last %s s. Full time series in the JSON.\n\n",
            soak.conditions().get("offered_msgs_per_s"),
            soak.conditions().get("duration_s"),
            longBegin,
            longEnd,
            details.get("first_window_msgs_per_s"),
            details.get("last_window_msgs_per_s"),
            details.get("drift"),
            details.get("recovery_s") == null ? "—" : details.get("recovery_s"),
            details.get("plateau_window_s"),
            details.get("window_s")));
    md.append(
        "| table | dead tuples before / peak / plateau window / last window | MB before / after"
            + " long tx / end | size at end vs largest earlier in plateau window |\n");
    md.append("| --- | --- | --- | ---: |\n");
    if (details.get("tables") instanceof Map<?, ?> tables) {
      tables.forEach((name, value) -> {
        Map<?, ?> t = (Map<?, ?>) value;
        md.append("| ")
            .append(name)
            .append(" | ")
            .append(t.get("dead_tuples_before_long_transaction"))
            .append(" / ")
            .append(t.get("dead_tuples_peak"))
            .append(" / ")
            .append(t.get("dead_tuples_max_in_plateau_window"))
            .append(" / ")
            .append(t.get("dead_tuples_max_in_last_window"))
            .append(" | ")
            .append(mb(t.get("bytes_before_long_transaction")))
            .append(" / ")
            .append(mb(t.get("bytes_after_long_transaction")))
            .append(" / ")
            .append(mb(t.get("bytes_at_end")))
            .append(" | ")
            .append(t.get("size_growth_in_plateau_window"))
            .append(" |\n");
      });
    }
    md.append(
        "\n| t s | msgs/s | enqueue→handled p99 ms | backlog in / outbox | delivery count ms |"
            + " dead tuples queue / inbox / outbox | MB queue / inbox / outbox | long tx |\n");
    md.append("| ---: | ---: | ---: | --- | ---: | --- | --- | --- |\n");
    // a row a minute in a full run; every sample in a short one
    int step = Math.max(1, samples.size() / 12);
    for (int i = step - 1; i < samples.size(); i += step) {
      SoakSample s = samples.get(i);
      md.append(
          String.format(
              Locale.ROOT,
              "| %.0f | %.0f | %.1f | %d / %d | %.3f | %d / %d / %d | %s / %s / %s | %s |\n",
              s.seconds(),
              s.handledPerS(),
              s.enqueueToHandledP99Ms(),
              s.inputBacklog(),
              s.outboxPending(),
              s.countDeliveryMs(),
              s.deadTuples("queue_message"),
              s.deadTuples("inbox"),
              s.deadTuples("outbox"),
              mb(s.bytes("queue_message")),
              mb(s.bytes("inbox")),
              mb(s.bytes("outbox")),
              s.longTransactionOpen() ? "open" : ""));
    }
    return md.toString();
  }

  private static String mb(Object bytes) {
    return bytes instanceof Number n
        ? String.format(Locale.ROOT, "%.1f", n.doubleValue() / (1024 * 1024))
        : "—";
  }
}
