package dev.pump.benchmarks.writepath;

import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.Gruelbox;
import dev.pump.benchmarks.harness.Load;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.Workload;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/** gruelbox scheduling k calls; the post-commit submit is discarded (write path only). */
public final class GruelboxSchedule extends PooledContender {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Load.Work work;

  GruelboxSchedule(Database database, int k, int clients) {
    super("gruelbox", database, clients, Database.GRUELBOX_SCHEMA);
    Gruelbox.Setup gruelbox = Gruelbox.create(pool, (d, id, b) -> {}, Gruelbox.DISCARD);
    AtomicLong ids = new AtomicLong();
    this.work =
        worker -> {
          long id = ids.incrementAndGet();
          gruelbox
              .transactions()
              .inTransactionThrows(tx -> {
                try (PreparedStatement insert =
                    tx.connection().prepareStatement(Workload.BUSINESS_INSERT)) {
                  insert.setLong(1, id);
                  insert.setString(2, Workload.PAYLOAD);
                  insert.executeUpdate();
                }
                for (int line = 0; line < k; line++) {
                  gruelbox
                      .outbox()
                      .schedule(Gruelbox.Sink.class)
                      .deliver(
                          WritePath.DESTINATION,
                          UUID.randomUUID().toString(),
                          JSON.writeValueAsString(new OrderPlaced(id, line, Workload.PAYLOAD)));
                }
              });
        };
  }

  @Override
  Load.Work work() {
    return work;
  }

  @Override
  public List<String> tables() {
    return List.of(Workload.BUSINESS_TABLE, Database.GRUELBOX_SCHEMA + ".txno_outbox");
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of(
        "threads",
        threads(),
        "note",
        "scheduling only: the immediate post-commit run gruelbox would start is discarded");
  }
}
