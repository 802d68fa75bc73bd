package dev.pump.benchmarks.drain;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** A drain by a naive loop: one claim, one send and one mark per row, a transaction per row. */
public final class NaiveDrain {
  private final DrainSetup setup;
  private final Database database;

  NaiveDrain(DrainSetup setup) {
    this.setup = setup;
    this.database = setup.database;
  }

  private record Row(long id, String destination, String messageId, String headers, byte[] body) {}

  double drain(TransportKind kind, List<String> names, int rows, Map<String, Object> details)
      throws Exception {
    setup.reset(kind, names);
    setup.fillPumpOutbox(names, rows);
    String app = "pump-bench-naive";
    String transportApp = "pump-bench-naive-transport";
    HikariDataSource pool = database.pool(app, 1, null);
    HikariDataSource transportPool = database.pool(transportApp, 2, null);
    try {
      Jdbi jdbi = Jdbi.create(pool);
      JdbcStorage transportStorage = Database.storage(transportPool);
      Transport transport = setup.open(kind, transportStorage);
      String claim =
          "SELECT id, destination, message_id, headers::text AS headers, body FROM "
              + DrainSetup.OUTBOX
              + " WHERE dispatched_at IS NULL AND parked_at IS NULL AND due_at <= now()"
              + " ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
      String mark = "UPDATE " + DrainSetup.OUTBOX + " SET dispatched_at = now() WHERE id = ?";
      DbCost cost = DbCost.start(database, List.of(DrainSetup.OUTBOX, DrainSetup.QUEUE), app);
      long start = System.nanoTime();
      long deadline = start + DrainSetup.LIMIT.toNanos();
      long sent = 0;
      while (true) {
        boolean more =
            jdbi.inTransaction(h -> {
              Optional<Row> row =
                  h.createQuery(claim)
                      .map((rs, ctx) ->
                          new Row(
                              rs.getLong("id"),
                              rs.getString("destination"),
                              rs.getString("message_id"),
                              rs.getString("headers"),
                              rs.getBytes("body")))
                      .findOne();
              if (row.isEmpty()) {
                return false;
              }
              Row r = row.get();
              transport.send(
                  r.destination(),
                  List.of(
                      OutgoingMessage.of(
                          r.messageId(),
                          DrainSetup.JSON.readValue(r.headers(), DrainSetup.HEADERS),
                          r.body())));
              h.execute(mark, r.id());
              return true;
            });
        if (!more) {
          break;
        }
        sent++;
        DrainSetup.check(deadline, "the naive loop", sent, rows);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (sent != rows) {
        throw new IllegalStateException("the naive loop sent " + sent + " of " + rows + " rows");
      }
      transport.close();
      transportStorage.close();
      pool.close();
      transportPool.close();
      database.awaitGone(app);
      database.awaitGone(transportApp);
      details.put("db_cost_per_row", cost.end(rows));
      details.put("transport_operations_per_row", 1.0);
      return seconds;
    } finally {
      pool.close();
      transportPool.close();
    }
  }
}
