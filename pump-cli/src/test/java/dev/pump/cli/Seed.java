package dev.pump.cli;

import dev.pump.migrations.PumpMigrations;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Rows as Pump writes them, put straight into the tables of schema {@code pump}. */
final class Seed {
  private final TestDatabase db;

  Seed(TestDatabase db) {
    this.db = db;
    PumpMigrations.migrate(db.dataSource(), "pump");
  }

  /** Empties every table the commands read. */
  void empty() {
    execute(
        "TRUNCATE pump.outbox, pump.inbox, pump.redelivery, pump.queue_message,"
            + " pump.discarded_message");
  }

  /** A message a handler of {@code failedQueue} gave up on, in error queue {@code errorQueue}. */
  void failed(
      String errorQueue, String messageId, String failedQueue, String exception, String body) {
    update(
        "INSERT INTO pump.queue_message (queue, message_id, headers, body) VALUES (?, ?,"
            + " jsonb_build_object('pump.failure.queue', ?::text, 'pump.failure.reason',"
            + " 'retries-exhausted', 'pump.failure.exception-type', 'java.lang.IllegalStateException',"
            + " 'pump.failure.exception-message', ?::text, 'pump.failure.stack-trace',"
            + " 'java.lang.IllegalStateException: ' || ?::text || E'\\n\\tat shop.Billing.handle(Billing.java:42)',"
            + " 'pump.enclosed-types', 'shop.ChargeCard', 'app', 'kept'), ?)",
        errorQueue,
        messageId,
        failedQueue,
        exception,
        exception,
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** An outbox row: parked when {@code state} is "parked", dispatched, or pending. */
  void outbox(
      String endpoint, String causationId, String destination, String messageId, String state) {
    update(
        "INSERT INTO pump.outbox (endpoint, causation_id, destination, message_id, headers, body,"
            + " attempts, last_error, dispatched_at, parked_at) VALUES (?, ?, ?, ?,"
            + " '{\"pump.enclosed-types\": \"shop.Message\"}', '{}'::bytea,"
            + " CASE WHEN ? = 'parked' THEN 10 ELSE 0 END,"
            + " CASE WHEN ? = 'parked' THEN 'queue ' || ? || ' not found' END,"
            + " CASE WHEN ? = 'dispatched' THEN now() END,"
            + " CASE WHEN ? = 'parked' THEN now() END)",
        endpoint,
        causationId,
        destination,
        messageId,
        state,
        state,
        destination,
        state,
        state);
  }

  /** An inbox row: {@code endpoint} handled {@code messageId}. */
  void handled(String endpoint, String messageId) {
    update("INSERT INTO pump.inbox (endpoint, message_id) VALUES (?, ?)", endpoint, messageId);
  }

  long count(String sql) {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  void execute(String sql) {
    update(sql);
  }

  private void update(String sql, Object... values) {
    try (Connection connection = db.connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setObject(i + 1, values[i]);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
