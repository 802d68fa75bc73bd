package dev.pump.benchmarks.writepath;

import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.Load;
import dev.pump.benchmarks.harness.Observed;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.jdbc.JdbcStorage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Pump's transactional session. */
public final class PumpSession extends PooledContender {
  private static final String ENDPOINT = WritePath.ENDPOINT;
  private static final String DESTINATION = WritePath.DESTINATION;

  /** The system name of the session with metrics and traces on. */
  static final String OBSERVED = "pump, observed";

  private final JdbcStorage storage;
  private final Load.Work work;
  private final Observed observed;

  PumpSession(Database database, int k, int clients) {
    this(database, k, clients, false);
  }

  /** {@code observed}: with Pump's metrics and traces on the endpoint whose sessions write. */
  PumpSession(Database database, int k, int clients, boolean observed) {
    super(observed ? OBSERVED : "pump", database, clients, null);
    this.storage = Database.storage(pool);
    EndpointBuilder builder = Endpoint.builder();
    this.observed = observed ? new Observed(storage) : null;
    if (this.observed != null) {
      this.observed.telemetries().forEach(builder::telemetry);
      this.observed.start();
    }
    Endpoint endpoint = builder.name(ENDPOINT).transport(InMemoryTransport.create()).build();
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
    if (observed != null) {
      observed.close();
    }
    storage.close(); // its notifier first, then the pool under it
    super.close();
  }
}
