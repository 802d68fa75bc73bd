package dev.pump.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.benchmarks.harness.Pgbench;
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
    for (String scenario : List.of("end-to-end", "soak", "memory")) {
      assertThat(written).contains(out.resolve(date + "-" + scenario + ".json"));
    }

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

    assertEndToEnd(JSON.readTree(out.resolve(date + "-end-to-end.json").toFile()));
    assertSoak(JSON.readTree(out.resolve(date + "-soak.json").toFile()));
    assertThat(out.resolve("soak-dashboard.png"))
        .as("the observed soak's picture")
        .isNotEmptyFile();
    assertMemory(JSON.readTree(out.resolve(date + "-memory.json").toFile()));

    String markdown = Files.readString(latest);
    assertThat(markdown)
        .contains("| scenario | case | Pump | baseline |", "write-path", "drain", "pgbench")
        .contains("End to end (`end-to-end`)", "Soak (`soak`)", "Memory (`memory`)");
  }

  private static void assertEndToEnd(JsonNode endToEnd) {
    assertThat(endToEnd.get("scenario").asString()).isEqualTo("end-to-end");
    JsonNode postgres = endToEnd.get("cases").get(0);
    assertThat(postgres.get("case").asString()).isEqualTo("postgres");
    JsonNode pump = postgres.get("pump");
    assertThat(pump.get("median").asDouble()).as("sustainable rate").isPositive();
    assertThat(pump.get("capacity_rounds").size()).isPositive();
    assertThat(pump.get("db_cost_per_message").get("statements_per_unit").asDouble()).isPositive();
    JsonNode paced = pump.get("latency_at_half_rate");
    assertThat(paced.get("rate_msgs_per_s").asDouble()).isPositive();
    for (String latency : List.of("enqueue_to_handled", "commit_to_dispatch")) {
      assertThat(paced.get(latency).get("count").asLong()).as(latency).isPositive();
      assertThat(paced.get(latency).get("p99_ms").asDouble()).as(latency).isPositive();
    }
    Map<String, JsonNode> ceilings = baselines(postgres);
    assertThat(ceilings).containsKeys("per-message", "batched");
    for (String ceiling : List.of("per-message", "batched")) {
      assertThat(ceilings.get(ceiling).get("median").asDouble()).as(ceiling).isPositive();
      assertThat(ceilings.get(ceiling).get("same_sql_as_pump").isBoolean()).as(ceiling).isTrue();
      assertThat(postgres.get("ratios").get(ceiling).asDouble()).as(ceiling).isPositive();
    }
    JsonNode competing = endToEnd.get("cases").get(1);
    assertThat(competing.get("case").asString()).isEqualTo("postgres, 2 endpoints");
    assertThat(competing.get("pump").get("median").asDouble()).isPositive();
    assertThat(competing.get("ratios").get("pump, 1 endpoint").asDouble()).isPositive();
    JsonNode observed = endToEnd.get("cases").get(2);
    assertThat(observed.get("case").asString()).isEqualTo("postgres, observed");
    assertThat(observed.get("pump").get("median").asDouble()).isPositive();
    assertThat(observed.get("ratios").get("pump, not observed").asDouble()).isPositive();
    // per transport: two ceilings, two latencies and observability; and the competing endpoints
    assertThat(endToEnd.get("targets").size()).isEqualTo(6);
  }

  private static void assertSoak(JsonNode soak) {
    assertThat(soak.get("scenario").asString()).isEqualTo("soak");
    JsonNode pump = soak.get("cases").get(0).get("pump");
    assertThat(pump.get("median").asDouble()).as("throughput").isPositive();
    JsonNode samples = pump.get("samples");
    assertThat(samples.size()).isGreaterThanOrEqualTo(3);
    boolean sawLongTransaction = false;
    for (JsonNode sample : samples) {
      for (String table : List.of("queue_message", "inbox", "outbox")) {
        assertThat(sample.get("tables").get(table).get("bytes").asLong()).as(table).isPositive();
        assertThat(sample.get("tables").get(table).has("dead_tuples")).isTrue();
      }
      sawLongTransaction |= sample.get("long_transaction_open").asBoolean();
    }
    assertThat(sawLongTransaction).as("a sample while the long transaction was open").isTrue();
    assertThat(pump.get("tables").size()).isEqualTo(3);
    assertThat(pump.has("drift")).isTrue();
    assertThat(soak.get("targets").size()).isEqualTo(4);
  }

  private static void assertMemory(JsonNode memory) {
    assertThat(memory.get("scenario").asString()).isEqualTo("memory");
    assertThat(memory.get("cases").size()).isEqualTo(4);
    for (JsonNode c : memory.get("cases")) {
      for (JsonNode drain : List.of(c.get("pump"), c.get("baselines").get(0))) {
        assertThat(drain.get("processed").asLong()).as("%s processed", c).isPositive();
        assertThat(drain.get("rss_peak_mb").asDouble()).isPositive();
        assertThat(drain.get("heap_live_after_full_gc_mb").asDouble()).isPositive();
      }
      assertThat(c.get("ratios").size()).isEqualTo(1);
    }
    assertThat(memory.get("cases").get(0).get("pump").get("samples").isArray()).isTrue();
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
