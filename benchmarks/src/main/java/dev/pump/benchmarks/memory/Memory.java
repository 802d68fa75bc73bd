package dev.pump.benchmarks.memory;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.endtoend.EndToEndService;
import dev.pump.benchmarks.harness.Backlogs;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.benchmarks.report.Target;
import dev.pump.core.Endpoint;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.jdbc.JdbcStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Memory ({@code memory}): a large backlog in the PostgreSQL queue and another in the outbox, each
 * drained for a bounded window by a child JVM ({@link MemoryChild}) that samples its heap and RSS;
 * then the same from a small backlog. "No growth with backlog size" is the ratio of the two, in the
 * same run, with the same JVM settings. The large backlog is never drained to the end: a window is
 * enough to see whether anything grows with what is waiting.
 *
 * <p>The figures judged are the ones that do not depend on how long a drain ran (the small one ends
 * sooner): the heap still reachable after a full collection taken while both drains run, once both
 * have done the same work ({@link Plan.MemoryPlan#snapshotAt()}), and the peak RSS of a JVM whose
 * heap was committed and touched at start. (A full collection at the end of the window is reported
 * too; it compares a busy endpoint with an idle one, not a large backlog with a small one.) The
 * heap after each collection and the heap used are reported too; they follow the collector's rhythm
 * more than the program.
 */
public final class Memory {
  public static final String NAME = "memory";
  static final String QUEUE_PREFIX = "mem-q-";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /** What is drained. */
  private enum Phase {
    QUEUE("queue"),
    OUTBOX("outbox");

    final String label;

    Phase(String label) {
      this.label = label;
    }
  }

  private final Database database;
  private final Plan.MemoryPlan plan;
  private final int concurrency;
  private final int messagesPerTransaction;

  public Memory(Database database, Plan plan) {
    this.database = database;
    this.plan = plan.memory();
    this.concurrency = plan.endToEnd().concurrency();
    this.messagesPerTransaction = plan.endToEnd().messagesPerTransaction();
  }

  public Scenario run() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      Map<String, Object> large = drain(phase, plan.largeBacklog());
      Map<String, Object> small = drain(phase, plan.smallBacklog());
      cases.add(
          memoryCase(
              phase,
              "live heap mid-drain (full GC after " + plan.snapshotAt() + " done)",
              "heap_live_mid_drain_mb",
              large,
              small));
      // the same two drains seen by RSS; their samples are in the heap case already
      cases.add(
          memoryCase(
              phase,
              "RSS peak (VmHWM)",
              "rss_peak_mb",
              withoutSamples(large),
              withoutSamples(small)));
    }
    List<Target> targets = new ArrayList<>();
    for (Case c : cases) {
      targets.add(
          Target.atMost(
              "memory: flat with a backlog of "
                  + String.format(java.util.Locale.ROOT, "%,d", plan.largeBacklog())
                  + ", "
                  + c.name()
                  + " (against "
                  + String.format(java.util.Locale.ROOT, "%,d", plan.smallBacklog())
                  + " ≤ 1.25)",
              c.ratio(c.baselines().getFirst()),
              1.25));
    }
    return new Scenario(
        NAME,
        "Memory: heap and RSS while draining a large backlog, against a small one",
        cases,
        targets,
        MemoryReport.markdown(cases, plan));
  }

  private Case memoryCase(
      Phase phase,
      String figure,
      String key,
      Map<String, Object> large,
      Map<String, Object> small) {
    Measured pump = measured("pump, backlog " + plan.largeBacklog(), key, large);
    Measured baseline = measured("pump, backlog " + plan.smallBacklog(), key, small);
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("drained", phase.label);
    conditions.put("window_s", plan.window().toSeconds());
    conditions.put(
        "child_jvm", "-Xms" + plan.maxHeap() + " -Xmx" + plan.maxHeap() + " -XX:+AlwaysPreTouch");
    conditions.put(
        "drained_by",
        phase == Phase.QUEUE
            ? "the end-to-end endpoint, concurrency "
                + concurrency
                + ", "
                + messagesPerTransaction
                + " messages per transaction"
            : "one OutboxDispatcher, defaults");
    return new Case(phase.label + " " + figure, conditions, pump, List.of(baseline));
  }

  private static Map<String, Object> withoutSamples(Map<String, Object> result) {
    Map<String, Object> copy = new LinkedHashMap<>(result);
    copy.put("samples", "in the heap case of the same drain");
    return copy;
  }

  /**
   * The figure {@code key} of one drain; a drain that did not reach it (too slow to do the
   * snapshot's work within the window) is reported as not measured, with the drain's details kept.
   */
  private Measured measured(String system, String key, Map<String, Object> result) {
    if (result.get(key) instanceof Number value) {
      return new Measured(system, "MB", List.of(value.doubleValue()), result);
    }
    Map<String, Object> details = new LinkedHashMap<>(result);
    details.put(
        "missing",
        "not reached: "
            + key
            + " needs "
            + plan.snapshotAt()
            + " done, the drain did "
            + result.get("processed")
            + " in its "
            + plan.window().toSeconds()
            + " s window");
    return new Measured(system, "MB", List.of(), details);
  }

  /** Fills the backlog, lets a child JVM drain it for the window, empties the tables again. */
  private Map<String, Object> drain(Phase phase, int backlog) throws Exception {
    System.out.printf("%s: %s, backlog %,d%n", NAME, phase.label, backlog);
    Workload.truncate(database.admin(), EndToEndService.TABLES.toArray(String[]::new));
    long fillStart = System.nanoTime();
    fill(phase, backlog);
    double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
    Map<String, Object> result = child(phase, backlog);
    result.put("fill_s", DbCost.round(fillSeconds));
    System.out.printf(
        Locale.ROOT,
        "  %,d processed in %.0f s; heap after GC peak %s MB, RSS peak %s MB (fill %.0f s)%n",
        ((Number) result.get("processed")).longValue(),
        ((Number) result.get("seconds")).doubleValue(),
        result.get("heap_after_gc_peak_mb"),
        result.get("rss_peak_mb"),
        fillSeconds);
    Workload.truncate(database.admin(), EndToEndService.TABLES.toArray(String[]::new));
    return result;
  }

  /**
   * A template written by Pump (the producer's message for the queue, a session's row for the
   * outbox), copied in SQL; then ANALYZE, so the claims plan on the real table.
   */
  private void fill(Phase phase, int backlog) {
    Endpoint client =
        Endpoint.builder().name("bench-e2e-client").transport(InMemoryTransport.create()).build();
    if (phase == Phase.QUEUE) {
      Backlogs.fillQueue(
          database.admin(),
          EndToEndService.INPUT,
          EndToEndService.incoming(client, "mem-template", 1),
          backlog,
          QUEUE_PREFIX);
      database
          .admin()
          .useHandle(h -> h.execute("ANALYZE " + Database.PUMP_SCHEMA + ".queue_message"));
    } else {
      String app = "pump-bench-fill";
      try (HikariDataSource pool = database.pool(app, 1, null)) {
        JdbcStorage storage = Database.storage(pool);
        storage.inTransaction(
            client,
            (handle, sender) -> {
              sender.send(EndToEndService.OUTPUT, new OrderPlaced(1, 0, Workload.PAYLOAD));
              return null;
            });
        storage.close();
      }
      database.awaitGone(app);
      Backlogs.multiplyOutbox(database.admin(), backlog, "mem-o-");
      database.admin().useHandle(h -> h.execute("ANALYZE " + Database.PUMP_SCHEMA + ".outbox"));
    }
  }

  /** Runs {@link MemoryChild} in a JVM of its own and reads its result line. */
  private Map<String, Object> child(Phase phase, int backlog) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        List.of(
            java.toString(),
            // the heap committed and touched up front: RSS then grows only with what lives
            // outside the heap, and a short drain and a long one start from the same RSS
            "-Xms" + plan.maxHeap(),
            "-Xmx" + plan.maxHeap(),
            "-XX:+AlwaysPreTouch",
            "-cp",
            System.getProperty("java.class.path"),
            MemoryChild.class.getName(),
            phase.label,
            database.jdbcUrl(),
            database.user(),
            database.password(),
            String.valueOf(backlog),
            String.valueOf(plan.window().toMillis()),
            String.valueOf(concurrency),
            String.valueOf(plan.snapshotAt()),
            String.valueOf(messagesPerTransaction));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(plan.window().toSeconds() + 120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the memory child did not finish:\n" + out);
    }
    database.awaitGone(MemoryChild.APPLICATION);
    for (String line : out.split("\n")) {
      if (line.startsWith(MemoryChild.RESULT)) {
        return new LinkedHashMap<>(
            JSON.readValue(line.substring(MemoryChild.RESULT.length()), MAP));
      }
    }
    throw new IOException(
        "the memory child (exit " + process.exitValue() + ") printed no result:\n" + out);
  }
}
