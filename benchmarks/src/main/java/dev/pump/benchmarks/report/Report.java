package dev.pump.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes {@code <date>-<scenario>.json} per scenario and {@code latest.md} for the run. */
public final class Report {
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** Where a measurement keeps its database cost: per transaction, per row, per message. */
  private static final List<String> COST_KEYS =
      List.of("db_cost_per_tx", "db_cost_per_row", "db_cost_per_message");

  private Report() {}

  /** Writes the files and returns their paths. */
  public static List<Path> write(
      Path directory, String date, Map<String, Object> conditions, List<Scenario> scenarios)
      throws IOException {
    Files.createDirectories(directory);
    List<Path> written = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      Path file = directory.resolve(date + "-" + scenario.name() + ".json");
      Files.writeString(
          file,
          JSON.writeValueAsString(scenario.toJson(conditions)) + "\n",
          StandardCharsets.UTF_8);
      written.add(file);
    }
    Path latest = directory.resolve("latest.md");
    Files.writeString(latest, markdown(date, conditions, scenarios), StandardCharsets.UTF_8);
    written.add(latest);
    return written;
  }

  static String markdown(String date, Map<String, Object> conditions, List<Scenario> scenarios) {
    StringBuilder md = new StringBuilder();
    md.append("# Pump benchmarks: latest run\n\n");
    md.append("Written by `java -jar benchmarks/target/benchmarks.jar` (module `benchmarks`); ")
        .append("JSON with every round, database cost and latency next to this file (`")
        .append(date)
        .append("-<scenario>.json`). What each figure means: `docs/performance.md`.\n\n");
    md.append("**Conditions.** ");
    @SuppressWarnings("unchecked")
    Map<String, Object> pg = (Map<String, Object>) conditions.get("postgresql");
    md.append(conditions.get("started_at"))
        .append(", ")
        .append(Boolean.TRUE.equals(conditions.get("quick")) ? "quick mode" : "full mode")
        .append("; ")
        .append(conditions.get("cpus"))
        .append(" CPUs; load average ")
        .append(conditions.get("load_average_start"))
        .append(" at start, ")
        .append(conditions.get("load_average_end"))
        .append(" at end (1-minute; the machine was shared with other work); ")
        .append("PostgreSQL ")
        .append(pg.get("server_version"))
        .append(Boolean.TRUE.equals(pg.get("embedded")) ? " (embedded)" : " (external)")
        .append(", synchronous_commit ")
        .append(pg.get("synchronous_commit"))
        .append(", fsync ")
        .append(pg.get("fsync"))
        .append(", shared_buffers ")
        .append(pg.get("shared_buffers"))
        .append("; Java ")
        .append(conditions.get("java"))
        .append("; ")
        .append(conditions.get("pgbench"))
        .append("; RabbitMQ ")
        .append(conditions.get("rabbitmq"))
        .append(".\n\n");
    md.append("Write-path and drain figures are medians of ")
        .append(conditions.get("rounds"))
        .append(" measured rounds after a warm-up, end-to-end figures medians of its own rounds; ")
        .append("± is the spread, (max − min) / median. ")
        .append("Pump and its baselines take turns round by round (the order rotates each round) ")
        .append("in the same process against the same server, so the ratios are the figures to ")
        .append("trust; absolute rates move with the machine's other load. The soak's figure is ")
        .append("the median of its per-minute throughputs; a memory figure is one drain, its ")
        .append("baseline the same drain from a small backlog.\n\n");
    md.append(
        "| scenario | case | Pump | baseline | baseline figure | ratio | Pump DB cost | conditions |\n");
    md.append("| --- | --- | ---: | --- | ---: | ---: | --- | --- |\n");
    for (Scenario scenario : scenarios) {
      for (Case c : scenario.cases()) {
        if (c.baselines().isEmpty()) {
          // a scenario judged against itself over time (the soak): no baseline column
          md.append("| ")
              .append(scenario.name())
              .append(" | ")
              .append(c.name())
              .append(" | ")
              .append(figure(c.pump()))
              .append(" | — | — | — | ")
              .append(cost(c.pump()))
              .append(" | ")
              .append(conditions(c.conditions()))
              .append(" |\n");
        }
        for (Measured baseline : c.baselines()) {
          md.append("| ")
              .append(scenario.name())
              .append(" | ")
              .append(c.name())
              .append(" | ")
              .append(figure(c.pump()))
              .append(" | ")
              .append(baseline.system())
              .append(" | ")
              .append(figure(baseline))
              .append(" | ")
              .append(ratio(c.ratio(baseline)))
              .append(" | ")
              .append(cost(c.pump()))
              .append(" | ")
              .append(conditions(c.conditions()))
              .append(
                  baseline.details().get("same_sql_as_pump") instanceof Boolean same
                      ? same ? ", same SQL as Pump" : ", SQL DIFFERS from Pump's"
                      : "")
              .append(" |\n");
        }
      }
    }
    md.append("\n## Targets\n\n| target | measured | verdict |\n| --- | ---: | --- |\n");
    for (Scenario scenario : scenarios) {
      for (Target target : scenario.targets()) {
        md.append("| ")
            .append(target.description())
            .append(" | ")
            .append(Double.isNaN(target.value()) ? "—" : format(target.value()))
            .append(" | ")
            .append(target.verdict())
            .append(" |\n");
      }
    }
    md.append(latencySection(scenarios));
    for (Scenario scenario : scenarios) {
      if (!scenario.markdown().isEmpty()) {
        md.append("\n").append(scenario.markdown());
      }
    }
    md.append(serverStatesSection(scenarios));
    return md.toString();
  }

  /** The paced latency of the write path; empty when no case has one. */
  private static String latencySection(List<Scenario> scenarios) {
    return systemsTable(
        scenarios,
        "\n## Latency at half the measured rate (paced, from each transaction's intended start)\n\n",
        "rate tx/s | p50 ms | p99 ms | p99.9 ms | max ms | p99 ms of each round",
        "---: | ---: | ---: | ---: | ---: | ---",
        m ->
            m.details().get("latency_at_half_rate") instanceof Map<?, ?> latency
                    && latency.containsKey("rate_tx_per_s")
                // Arrays.asList: a missing figure shows as null instead of failing the report
                ? Arrays.asList(
                    latency.get("rate_tx_per_s"),
                    latency.get("p50_ms"),
                    latency.get("p99_ms"),
                    latency.get("p99_9_ms"),
                    latency.get("max_ms"),
                    byRound(latency.get("p99_ms_by_round")))
                : null);
  }

  private static String byRound(Object p99s) {
    return p99s instanceof List<?> list
        ? String.join(" / ", list.stream().map(String::valueOf).toList())
        : "";
  }

  /** Where the server processes of each system spent its cost window; empty when none did. */
  private static String serverStatesSection(List<Scenario> scenarios) {
    return systemsTable(
        scenarios,
        "\n## Where the server processes spent the cost window\n\n"
            + "Share of `pg_stat_activity` samples (every 5 ms) of the system's own connections: "
            + "`active` = running, `idle in transaction` = waiting for the client inside a "
            + "transaction, `idle` = waiting for the client's next transaction, `Lock:object` = "
            + "the lock NOTIFY takes at commit, `IO:WalSync` / `LWLock:WALWrite` = WAL flush.\n\n",
        "states (% of samples)",
        "---",
        m -> {
          if (costOf(m) instanceof Map<?, ?> map
              && map.get("server_process_states") instanceof Map<?, ?> states) {
            List<String> parts = new ArrayList<>();
            states.entrySet().stream()
                .limit(4)
                .forEach(e -> parts.add("`" + e.getKey() + "` " + e.getValue()));
            return List.of(String.join(", ", parts));
          }
          return null;
        });
  }

  /**
   * A table with a row for each system of each case that {@code cells} gives cells for (null: no
   * row), after the scenario, case and system; empty when no system has a row.
   *
   * @param columns the header of the cells' columns, {@code |}-separated
   * @param alignments their alignment row, {@code |}-separated
   */
  private static String systemsTable(
      List<Scenario> scenarios,
      String heading,
      String columns,
      String alignments,
      Function<Measured, List<?>> cells) {
    StringBuilder rows = new StringBuilder();
    for (Scenario scenario : scenarios) {
      for (Case c : scenario.cases()) {
        for (Measured m : systems(c)) {
          List<?> row = cells.apply(m);
          if (row != null) {
            rows.append("| ")
                .append(scenario.name())
                .append(" | ")
                .append(c.name())
                .append(" | ")
                .append(m.system());
            row.forEach(cell -> rows.append(" | ").append(cell));
            rows.append(" |\n");
          }
        }
      }
    }
    if (rows.isEmpty()) {
      return "";
    }
    return heading
        + "| scenario | case | system | "
        + columns
        + " |\n| --- | --- | --- | "
        + alignments
        + " |\n"
        + rows;
  }

  private static List<Measured> systems(Case c) {
    List<Measured> all = new ArrayList<>();
    all.add(c.pump());
    all.addAll(c.baselines());
    return all;
  }

  private static String figure(Measured m) {
    if (m.isMissing()) {
      return "missing (" + m.details().get("missing") + ")";
    }
    return String.format(Locale.ROOT, "%,.0f %s ±%.0f%%", m.median(), m.unit(), m.spreadPercent());
  }

  private static String ratio(double ratio) {
    return Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2f", ratio);
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** The database cost of a measurement, per transaction, row or message. */
  private static Object costOf(Measured m) {
    for (String key : COST_KEYS) {
      if (m.details().get(key) instanceof Map<?, ?> cost && !cost.isEmpty()) {
        return cost;
      }
    }
    return null;
  }

  private static String cost(Measured m) {
    Object cost = costOf(m);
    if (!(cost instanceof Map<?, ?> map) || map.get("wal_bytes_per_unit") == null) {
      return "—";
    }
    String unit =
        m.details().containsKey("db_cost_per_tx")
            ? "tx"
            : m.details().containsKey("db_cost_per_row") ? "row" : "msg";
    StringBuilder text = new StringBuilder();
    if (map.get("statements_per_unit") != null) {
      text.append(map.get("statements_per_unit")).append(" stmt/").append(unit).append(", ");
    }
    text.append(
        String.format(
            Locale.ROOT,
            "%.0f B WAL/%s",
            ((Number) map.get("wal_bytes_per_unit")).doubleValue(),
            unit));
    if (m.details().get("transport_operations_per_row") instanceof Number ops) {
      text.append(", ").append(ops).append(" sends/row");
    }
    return text.toString();
  }

  private static String conditions(Map<String, Object> conditions) {
    List<String> parts = new ArrayList<>();
    conditions.forEach((k, v) -> parts.add(k.replace('_', ' ') + " " + v));
    return String.join(", ", parts);
  }
}
