package dev.pump.benchmarks.drain;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.Gruelbox;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A drain by gruelbox's flush of the same backlog in its own table. */
public final class GruelboxDrain {
  private final DrainSetup setup;
  private final Database database;

  GruelboxDrain(DrainSetup setup) {
    this.setup = setup;
    this.database = setup.database;
  }

  double drain(TransportKind kind, List<String> names, int rows, Map<String, Object> details)
      throws Exception {
    setup.reset(kind, names);
    Workload.truncate(database.admin(), DrainSetup.GRUELBOX);
    fillGruelbox(names, rows);
    String app = "pump-bench-gruelbox-flush";
    String transportApp = "pump-bench-gruelbox-transport";
    HikariDataSource pool = database.pool(app, 3, Database.GRUELBOX_SCHEMA);
    HikariDataSource transportPool = database.pool(transportApp, 2, null);
    // one worker thread, as Pump's dispatcher and the naive loop have
    ThreadPoolExecutor worker =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    try {
      JdbcStorage transportStorage = Database.storage(transportPool);
      Transport transport = setup.open(kind, transportStorage);
      AtomicLong delivered = new AtomicLong();
      Gruelbox.Sink sink =
          (destination, messageId, body) -> {
            transport.send(
                destination,
                List.of(
                    OutgoingMessage.of(
                        messageId, Workload.PLAIN_HEADERS, body.getBytes(StandardCharsets.UTF_8))));
            delivered.incrementAndGet();
          };
      Gruelbox.Setup gruelbox = Gruelbox.create(pool, sink, worker);
      DbCost cost = DbCost.start(database, List.of(DrainSetup.GRUELBOX, DrainSetup.QUEUE), app);
      long start = System.nanoTime();
      long deadline = start + DrainSetup.LIMIT.toNanos();
      while (delivered.get() < rows) {
        if (!gruelbox.outbox().flush()) {
          Database.sleep(1);
        }
        // as a scheduled flush would: the next flush after the submitted calls have run, so
        // empty flushes do not add their statements to gruelbox's cost
        while (delivered.get() < rows
            && (worker.getActiveCount() > 0 || !worker.getQueue().isEmpty())) {
          DrainSetup.check(deadline, "gruelbox", delivered.get(), rows);
          Database.sleep(1);
        }
        DrainSetup.check(deadline, "gruelbox", delivered.get(), rows);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      worker.shutdown();
      if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gruelbox's worker did not finish");
      }
      transport.close();
      transportStorage.close();
      pool.close();
      transportPool.close();
      database.awaitGone(app);
      database.awaitGone(transportApp);
      details.put("db_cost_per_row", cost.end(rows));
      details.put("transport_operations_per_row", 1.0);
      details.put("threads", "flush on the caller, invocations on 1 executor thread");
      return seconds;
    } finally {
      worker.shutdownNow();
      pool.close();
      transportPool.close();
    }
  }

  /** Schedules {@code rows} calls through gruelbox (500 per transaction), due at once. */
  private void fillGruelbox(List<String> names, int rows) throws Exception {
    String app = "pump-bench-gruelbox-fill";
    try (HikariDataSource pool = database.pool(app, 1, Database.GRUELBOX_SCHEMA)) {
      Gruelbox.Setup gruelbox = Gruelbox.create(pool, (d, id, b) -> {}, Gruelbox.DISCARD);
      for (int from = 0; from < rows; from += 500) {
        int first = from;
        int last = Math.min(rows, from + 500);
        gruelbox
            .transactions()
            .inTransactionThrows(tx -> {
              for (int i = first; i < last; i++) {
                gruelbox
                    .outbox()
                    .schedule(Gruelbox.Sink.class)
                    .deliver(
                        names.get(i % names.size()),
                        UUID.randomUUID().toString(),
                        DrainSetup.JSON.writeValueAsString(
                            new OrderPlaced(i, 0, Workload.PAYLOAD)));
              }
            });
      }
    }
    database.awaitGone(app);
    // gruelbox makes a new row due only after its attempt frequency (it expects the post-commit
    // submit to run it first); the backlog of a stopped or failed application is due at once
    database
        .admin()
        .useHandle(h -> {
          h.execute(
              "UPDATE "
                  + DrainSetup.GRUELBOX
                  + " SET nextAttemptTime = now() - interval '1 minute'");
          h.execute("VACUUM ANALYZE " + DrainSetup.GRUELBOX);
        });
  }
}
