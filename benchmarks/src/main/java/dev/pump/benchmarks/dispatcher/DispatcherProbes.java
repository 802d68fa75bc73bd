package dev.pump.benchmarks.dispatcher;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.core.Endpoint;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatcher scenario (opt-in: {@code --scenario dispatcher}): two choices of the outbox
 * dispatcher measured on their own. The <b>batch window</b>: 8 writers commit one message each in a
 * loop, and the dispatcher relays them with a window of 0, 2 and 5 ms; the figure is messages per
 * transport operation. The <b>circuit breaker</b>: healthy destinations drained alone, then beside
 * a destination that fails every send (its rows claimed first), in rows per second.
 */
public final class DispatcherProbes {
  /** The scenario's name on the command line. */
  public static final String NAME = "dispatcher";

  private static final int WRITERS = 8;
  private static final String OUTBOX = Database.PUMP_SCHEMA + ".outbox";

  private final Database database;
  private final boolean quick;

  /** Probes on {@code database}; a quick run uses smaller backlogs and shorter writes. */
  public DispatcherProbes(Database database, boolean quick) {
    this.database = database;
    this.quick = quick;
  }

  /** Runs the probes and returns their cases. */
  public Scenario run() throws Exception {
    List<Case> cases = new ArrayList<>();
    Duration writing = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
    Measured noWindow = window(Duration.ZERO, writing);
    for (Duration window : List.of(Duration.ofMillis(2), Duration.ofMillis(5))) {
      Map<String, Object> conditions = new LinkedHashMap<>();
      conditions.put("writers", WRITERS);
      conditions.put("writing_s", writing.toSeconds());
      conditions.put("batch_window_ms", window.toMillis());
      cases.add(
          new Case(
              "batch window " + window.toMillis() + " ms",
              conditions,
              window(window, writing),
              List.of(noWindow)));
    }
    int rows = quick ? 5_000 : 50_000;
    Measured alone = breaker(rows, 0, "alone");
    Measured beside = breaker(rows, rows / 10, "pump");
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("healthy_rows", rows);
    conditions.put("failing_rows", rows / 10);
    cases.add(
        new Case("healthy drain beside a failing destination", conditions, beside, List.of(alone)));
    return new Scenario(NAME, "Dispatcher: batch window and circuit breaker", cases, List.of());
  }

  private Measured window(Duration window, Duration writing) throws Exception {
    String system = window.isZero() ? "no window" : "pump";
    return withStorage(
        "pump-bench-window",
        storage -> {
          SendTimes transport = new SendTimes(null);
          OutboxDispatcher dispatcher =
              OutboxDispatcher.builder()
                  .storage(storage)
                  .transport(transport)
                  .batchWindow(window)
                  .build();
          dispatcher.start();
          Endpoint web = Endpoint.builder().name("bench-web").transport(transport).build();
          AtomicLong committed = new AtomicLong();
          long end = System.nanoTime() + writing.toNanos();
          List<Thread> writers = new ArrayList<>();
          for (int t = 0; t < WRITERS; t++) {
            writers.add(
                Thread.ofVirtual()
                    .start(() -> {
                      while (System.nanoTime() < end) {
                        storage.inTransaction(
                            web,
                            (h, sender) -> {
                              sender.send("steady", new OrderPlaced(1, 0, Workload.PAYLOAD));
                              return null;
                            });
                        committed.incrementAndGet();
                      }
                    }));
          }
          for (Thread writer : writers) {
            writer.join();
          }
          awaitSent(transport, committed.get());
          dispatcher.stop(Duration.ofSeconds(5));
          double perOperation = committed.get() / (double) transport.operations();
          System.out.printf(
              "%s: batch window %d ms, %d messages, %.1f per transport operation%n",
              NAME, window.toMillis(), committed.get(), perOperation);
          return new Measured(
              system,
              "messages/operation",
              List.of(perOperation),
              new LinkedHashMap<>(Map.of("messages", committed.get())));
        });
  }

  private Measured breaker(int rows, int failingRows, String system) throws Exception {
    return withStorage(
        "pump-bench-breaker",
        storage -> {
          fill(storage, rows, failingRows);
          SendTimes transport = new SendTimes("bad");
          OutboxDispatcher dispatcher =
              OutboxDispatcher.builder().storage(storage).transport(transport).build();
          long start = System.nanoTime();
          dispatcher.start();
          awaitSent(transport, rows);
          double rate = rows / ((System.nanoTime() - start) / 1e9);
          dispatcher.stop(Duration.ofSeconds(5));
          System.out.printf(
              "%s: %d healthy rows beside %d failing: %.0f rows/s%n",
              NAME, rows, failingRows, rate);
          return new Measured(system, "rows/s", List.of(rate), new LinkedHashMap<>());
        });
  }

  /** The failing rows first, the worst case: they are claimed ahead of the healthy ones. */
  private static void fill(JdbcStorage storage, int rows, int failingRows) {
    Endpoint fill =
        Endpoint.builder().name("bench-fill").transport(InMemoryTransport.create()).build();
    int total = rows + failingRows;
    for (int from = 0; from < total; from += 1_000) {
      int first = from;
      int last = Math.min(total, from + 1_000);
      storage.inTransaction(
          fill,
          (h, sender) -> {
            for (int i = first; i < last; i++) {
              String destination = i < failingRows ? "bad" : "good-" + (i % 2);
              sender.send(destination, new OrderPlaced(i, 0, Workload.PAYLOAD));
            }
            return null;
          });
    }
  }

  private static void awaitSent(SendTimes transport, long messages) {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (transport.sent() < messages) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the dispatcher sent " + transport.sent() + " of " + messages + " in 5 minutes");
      }
      Database.sleep(5);
    }
  }

  @FunctionalInterface
  private interface Probe {
    Measured run(JdbcStorage storage) throws Exception;
  }

  /** Runs {@code probe} on an empty outbox with a pool of its own, closed afterwards. */
  private Measured withStorage(String application, Probe probe) throws Exception {
    Workload.truncate(database.admin(), OUTBOX);
    try (HikariDataSource pool = database.pool(application, WRITERS + 4, null)) {
      JdbcStorage storage = Database.storage(pool);
      try {
        return probe.run(storage);
      } finally {
        storage.close();
      }
    } finally {
      database.awaitGone(application);
    }
  }
}
