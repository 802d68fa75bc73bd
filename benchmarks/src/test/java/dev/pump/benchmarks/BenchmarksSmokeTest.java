package dev.pump.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The smoke check CI runs: the harness in quick mode writes its result files with sane fields. No
 * thresholds: timing belongs in the benchmark's figures, not in a test verdict.
 *
 * <p>pgbench is required, not optional: the database's ceiling is the point of the write-path
 * scenario, and a smoke check that passes without it would claim a harness that cannot produce its
 * main ratio works. Install it with the PostgreSQL client tools ({@code apt-get install
 * postgresql-client}) or point {@code PUMP_PGBENCH} at it.
 */
class BenchmarksSmokeTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void quickRunWritesResultFilesWithSaneFields(@TempDir Path out) throws Exception {
    Options options =
        Options.parse(
            new String[] {"--quick", "--out", out.toString(), "--rabbitmq", "none"},
            System.getenv());
    assertThat(new Pgbench(options.pgbench(), null).version())
        .as(
            "pgbench (%s) must run: the write path's ceiling is measured with it. Install the"
                + " PostgreSQL client tools (apt-get install postgresql-client) or set"
                + " PUMP_PGBENCH to its path.",
            options.pgbench())
        .isNotNull();

    List<Path> written = Benchmarks.run(options);

    String date = LocalDate.now(ZoneOffset.UTC).toString();
    Path writePath = out.resolve(date + "-write-path.json");
    Path drain = out.resolve(date + "-drain.json");
    Path latest = out.resolve("latest.md");
    assertThat(written).contains(writePath, drain, latest);

    JsonNode write = JSON.readTree(writePath.toFile());
    assertThat(write.get("scenario").asString()).isEqualTo("write-path");
    assertThat(write.get("conditions").get("cpus").asInt()).isPositive();
    assertThat(write.get("conditions").get("postgresql").get("server_version").asString())
        .isNotBlank();
    JsonNode writeCase = write.get("cases").get(0);
    assertSane(writeCase.get("pump"), "db_cost_per_tx");
    Map<String, JsonNode> baselines = baselines(writeCase);
    assertThat(baselines).containsKeys("pgbench", "gruelbox");
    assertSane(baselines.get("pgbench"), "db_cost_per_tx");
    assertSane(baselines.get("gruelbox"), "db_cost_per_tx");
    assertThat(writeCase.get("ratios").get("pgbench").asDouble()).isPositive();
    assertThat(writeCase.get("pump").get("latency_at_half_rate").get("p99_ms").asDouble())
        .isPositive();

    JsonNode drained = JSON.readTree(drain.toFile());
    JsonNode drainCase = drained.get("cases").get(0);
    assertSane(drainCase.get("pump"), "db_cost_per_row");
    assertThat(drainCase.get("pump").get("transport_operations_per_row").asDouble())
        .isBetween(0.0, 1.0);
    assertThat(baselines(drainCase)).containsKeys("naive", "gruelbox");
    assertThat(drained.get("targets").size()).isPositive();

    String markdown = Files.readString(latest);
    assertThat(markdown)
        .contains("| scenario | case | Pump | baseline |", "write-path", "drain", "pgbench");
  }

  private static Map<String, JsonNode> baselines(JsonNode c) {
    Map<String, JsonNode> bySystem = new java.util.LinkedHashMap<>();
    c.get("baselines").forEach(b -> bySystem.put(b.get("system").asString(), b));
    return bySystem;
  }

  private static void assertSane(JsonNode measured, String costField) {
    assertThat(measured.get("median").asDouble()).as("%s median", measured).isPositive();
    assertThat(measured.get("rounds").size()).isPositive();
    JsonNode cost = measured.get(costField);
    assertThat(cost.get("statements_per_unit").asDouble())
        .as("%s statements", measured)
        .isPositive();
    assertThat(cost.get("wal_bytes_per_unit").asDouble()).isPositive();
  }
}
