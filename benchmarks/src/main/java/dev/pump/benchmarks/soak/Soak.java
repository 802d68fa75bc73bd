package dev.pump.benchmarks.soak;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.endtoend.EndToEndRuns;
import dev.pump.benchmarks.endtoend.EndToEndService;
import dev.pump.benchmarks.harness.Brokers;
import dev.pump.benchmarks.harness.DashboardRecorder;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.Load;
import dev.pump.benchmarks.harness.TableStats;
import dev.pump.benchmarks.harness.Timeline;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.report.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The soak ({@code soak}): the end-to-end service ({@link EndToEndService}, PostgreSQL transport)
 * runs for minutes at 70% of its sustainable rate, with a REPEATABLE READ transaction held open for
 * minutes in the middle. Every sample interval it records the throughput, the backlogs, the
 * latencies, and the dead tuples and size of {@code queue_message}, {@code inbox} and {@code
 * outbox}; {@link SoakAnalysis} judges drift, plateau and recovery.
 *
 * <p>Inbox and outbox retention are one minute (the shortest Pump allows) with a purge every 10
 * seconds, so the tables reach the steady state a production system reaches after its retention
 * window (7 days by default) within the run: rows are inserted, updated and purged at the same
 * rate, and only then can "size plateaus" be seen.
 */
public final class Soak {
  public static final String NAME = "soak";
  static final Duration RETENTION = Duration.ofMinutes(1);
  static final Duration CLEANUP_INTERVAL = Duration.ofSeconds(10);
  private static final Duration DASHBOARD_SAMPLE = Duration.ofSeconds(5);

  private final Database database;
  private final Plan plan;
  private final double sustainableRate;
  private final Path dashboard;

  /**
   * @param sustainableRate from the end-to-end scenario of the same run, or NaN to measure it here
   * @param dashboard where to draw Pump's own meters over the soak, as a PNG; null runs the soak
   *     without Pump's metrics and traces
   */
  public Soak(Database database, Plan plan, double sustainableRate, Path dashboard) {
    this.database = database;
    this.plan = plan;
    this.sustainableRate = sustainableRate;
    this.dashboard = dashboard;
  }

  public Scenario run() throws Exception {
    Plan.SoakPlan soak = plan.soak();
    String source = "end-to-end scenario of this run";
    double sustainable = sustainableRate;
    if (Double.isNaN(sustainable) || sustainable <= 0) {
      source = "a short closed-loop measurement before the soak";
      sustainable = new EndToEndRuns(database, plan.endToEnd(), Brokers.none()).sustainableRate();
    }
    double rate = 0.7 * sustainable;
    System.out.printf(
        "%s: %.0f msgs/s (70%% of %.0f) for %s%n", NAME, rate, sustainable, soak.duration());
    Workload.truncate(database.admin(), EndToEndService.TABLES.toArray(String[]::new));
    EndToEndService.Settings settings =
        new EndToEndService.Settings(
            TransportKind.POSTGRES,
            plan.endToEnd().concurrency(),
            plan.endToEnd().messagesPerTransaction(),
            1,
            plan.endToEnd().producers(),
            RETENTION,
            CLEANUP_INTERVAL,
            dashboard != null);
    List<SoakSample> samples;
    LongTransaction longTransaction;
    long start;
    DashboardRecorder recorder = null;
    try (EndToEndService service =
            EndToEndService.start(database, Brokers.none(), settings, "soak");
        HikariDataSource longPool = database.pool(LongTransaction.APPLICATION, 1, null)) {
      Database.sleep(500);
      Load.Pace pace = Load.Pace.startingNow(rate, soak.duration());
      start = pace.startNanos();
      service.timeline().pacedBy(pace, 0);
      longTransaction =
          LongTransaction.schedule(
              longPool, start, soak.longTransactionStart(), soak.longTransaction());
      Sampler sampler = new Sampler(service, start, soak.sample(), longTransaction);
      if (dashboard != null) {
        recorder =
            new DashboardRecorder(service.observed().registry(), EndToEndService.INPUT, start);
      }
      Thread drawing = recorder == null ? null : startDrawing(recorder);
      Load.paced(plan.endToEnd().producers(), pace, (worker, ticket) -> service.produce(ticket));
      samples = sampler.stop();
      if (drawing != null) {
        drawing.interrupt();
        drawing.join();
      }
      longTransaction.await();
    }
    if (recorder != null) {
      recorder.write(
          dashboard,
          String.format(
              Locale.ROOT,
              "Soak at %.0f msgs/s: Pump's meters every %d s; a long transaction from %d s for %d s",
              rate,
              DASHBOARD_SAMPLE.toSeconds(),
              soak.longTransactionStart().toSeconds(),
              soak.longTransaction().toSeconds()));
    }
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("offered_msgs_per_s", DbCost.round(rate));
    setup.put("sustainable_msgs_per_s", DbCost.round(sustainable));
    setup.put("sustainable_from", source);
    setup.put("duration_s", soak.duration().toSeconds());
    setup.put("sample_s", soak.sample().toSeconds());
    setup.put(
        "observed",
        dashboard == null
            ? "no: without Pump's metrics and traces"
            : "PumpMetrics and PumpTracing on, as in production; Pump's own meters drawn into "
                + dashboard.getFileName());
    setup.put(
        "long_transaction",
        "REPEATABLE READ, a SELECT, then held; began at "
            + DbCost.round((longTransaction.beganNanos() - start) / 1e9)
            + " s, ended at "
            + DbCost.round((longTransaction.endedNanos() - start) / 1e9)
            + " s");
    setup.put(
        "retention",
        RETENTION.toString() + " (inbox and outbox), purged every " + CLEANUP_INTERVAL);
    return new SoakAnalysis(
            samples,
            soak,
            rate,
            (longTransaction.beganNanos() - start) / 1e9,
            (longTransaction.endedNanos() - start) / 1e9)
        .scenario(setup);
  }

  private static Thread startDrawing(DashboardRecorder recorder) {
    return Thread.ofPlatform()
        .daemon()
        .name("bench-soak-dashboard")
        .start(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            try {
              Thread.sleep(DASHBOARD_SAMPLE);
            } catch (InterruptedException e) {
              return;
            }
            recorder.sample();
          }
        });
  }

  /** Takes a {@link SoakSample} every interval on a thread of its own. */
  private final class Sampler {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<SoakSample> samples = new ArrayList<>();
    private final EndToEndService service;
    private final long start;
    private final LongTransaction longTransaction;
    private final Thread thread;
    private final long everyNanos;
    private long lastNanos;
    private long lastHandled;
    private long lastDispatched;
    private double[] lastCountDelivery = {0, 0};

    Sampler(EndToEndService service, long start, Duration every, LongTransaction longTransaction) {
      this.service = service;
      this.start = start;
      this.longTransaction = longTransaction;
      this.lastNanos = start;
      this.everyNanos = every.toNanos();
      this.thread =
          Thread.ofPlatform()
              .daemon()
              .name("bench-soak-sampler")
              .start(() -> {
                long next = start + every.toNanos();
                while (running.get()) {
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    Database.sleep(Math.min(100, Math.max(1, wait / 1_000_000)));
                    continue;
                  }
                  sample();
                  next += every.toNanos();
                }
              });
    }

    private void sample() {
      Timeline timeline = service.timeline();
      long now = System.nanoTime();
      long handled = timeline.handled();
      long dispatched = timeline.dispatched();
      long sent = timeline.sent();
      double seconds = (now - lastNanos) / 1e9;
      Timeline.Intervals intervals = timeline.intervals();
      SoakSample sample =
          new SoakSample(
              (now - start) / 1e9,
              (handled - lastHandled) / seconds,
              (dispatched - lastDispatched) / seconds,
              sent - handled,
              handled - dispatched,
              intervals.enqueueToHandled().getValueAtPercentile(99) / 1e6,
              intervals.commitToDispatch().getValueAtPercentile(99) / 1e6,
              longTransaction.open(),
              countDeliveryMs(),
              TableStats.read(database.admin()));
      synchronized (samples) {
        samples.add(sample);
      }
      lastNanos = now;
      lastHandled = handled;
      lastDispatched = dispatched;
    }

    /**
     * The mean execution time of the receive's delivery count since the last sample: the statement
     * that walks the queue's index to the next visible message, so it shows what dead index entries
     * cost a receive.
     */
    private double countDeliveryMs() {
      if (!database.hasStatements()) {
        return Double.NaN;
      }
      double[] now =
          database
              .admin()
              .withHandle(h ->
                  h.createQuery(
                          "SELECT coalesce(sum(calls), 0)::float8 AS calls,"
                              + " coalesce(sum(total_exec_time), 0) AS ms, 1 AS bench_probe"
                              + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM"
                              + " pg_database WHERE datname = current_database())"
                              + " AND query LIKE 'UPDATE %queue_message SET attempts = attempts + %'")
                      .map((rs, ctx) -> new double[] {rs.getDouble("calls"), rs.getDouble("ms")})
                      .one());
      double calls = now[0] - lastCountDelivery[0];
      double ms = now[1] - lastCountDelivery[1];
      lastCountDelivery = now;
      return calls <= 0 ? Double.NaN : ms / calls;
    }

    /** Stops, after a last sample of the time since the previous one unless it is too short. */
    List<SoakSample> stop() throws InterruptedException {
      running.set(false);
      thread.join();
      if (System.nanoTime() - lastNanos >= everyNanos / 2) {
        sample();
      }
      synchronized (samples) {
        return List.copyOf(samples);
      }
    }
  }
}
