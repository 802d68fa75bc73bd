package dev.pump.benchmarks.writepath;

import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.Load;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.core.Endpoint;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.jdbc.JdbcStorage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Pump's transactional session. */
public final class PumpSession extends PooledContender {
  private static final String ENDPOINT = WritePath.ENDPOINT;
  private static final String DESTINATION = WritePath.DESTINATION;

  private final JdbcStorage storage;
  private final Load.Work work;

  PumpSession(Database database, int k, int clients) {
    super("pump", database, clients, null);
    this.storage = Database.storage(pool);
    Endpoint endpoint =
        Endpoint.builder().name(ENDPOINT).transport(InMemoryTransport.create()).build();
    AtomicLong ids = new AtomicLong();
    this.work =
        worker -> {
          long id = ids.incrementAndGet();
          storage.inTransaction(
              endpoint,
              (handle, sender) -> {
                handle.execute(Workload.BUSINESS_INSERT, id, Workload.PAYLOAD);
                for (int line = 0; line < k; line++) {
                  sender.send(DESTINATION, new OrderPlaced(id, line, Workload.PAYLOAD));
                }
                return null;
              });
        };
  }

  @Override
  Load.Work work() {
    return work;
  }

  @Override
  public List<String> tables() {
    return List.of(Workload.BUSINESS_TABLE, Database.PUMP_SCHEMA + ".outbox");
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("threads", threads());
  }

  @Override
  public void close() {
    storage.close(); // its notifier first, then the pool under it
    super.close();
  }
}
