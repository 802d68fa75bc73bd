package dev.pump.benchmarks.drain;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.DispatcherCounters;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A drain by Pump's {@link OutboxDispatcher}: claim 1000, batches per destination, one mark per
 * cycle.
 */
public final class PumpDrain {
  private final DrainSetup setup;
  private final Database database;

  PumpDrain(DrainSetup setup) {
    this.setup = setup;
    this.database = setup.database;
  }

  double drain(TransportKind kind, List<String> names, int rows, Map<String, Object> details)
      throws Exception {
    setup.reset(kind, names);
    setup.fillPumpOutbox(names, rows);
    String app = "pump-bench-dispatcher";
    HikariDataSource pool = database.pool(app, 4, null);
    try {
      JdbcStorage storage = Database.storage(pool);
      Transport transport = setup.open(kind, storage);
      OutboxDispatcher dispatcher =
          OutboxDispatcher.builder().storage(storage).transport(transport).build();
      DbCost cost = DbCost.start(database, List.of(DrainSetup.OUTBOX, DrainSetup.QUEUE), app);
      long start = System.nanoTime();
      dispatcher.start();
      DispatcherCounters counters = dispatcher.counters();
      long deadline = start + DrainSetup.LIMIT.toNanos();
      while (counters.rowsDispatched() < rows) {
        DrainSetup.check(deadline, "Pump's dispatcher", counters.rowsDispatched(), rows);
        Database.sleep(1);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      dispatcher.stop(Duration.ofSeconds(10));
      transport.close();
      storage.close(); // its notifier first, then the pool under it
      pool.close();
      database.awaitGone(app);
      details.put("db_cost_per_row", cost.end(rows));
      details.put(
          "transport_operations_per_row",
          DbCost.round(counters.batchesSent() / (double) counters.rowsDispatched()));
      details.put("dispatch_cycles", counters.cycles());
      details.put("batches_failed", counters.batchesFailed());
      return seconds;
    } finally {
      pool.close();
    }
  }
}
