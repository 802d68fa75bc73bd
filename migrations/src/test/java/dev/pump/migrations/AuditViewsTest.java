package dev.pump.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit views of migration 2, on rows written the way the pump writes them. The shop example's
 * tests run the documented queries over these views against a database a real run populated; these
 * pin each view's meaning on hand-made rows, including the awkward ones (bodies that are not JSON,
 * error queues with other names, rows in every state).
 */
@ExtendWith(PostgresExtension.class)
class AuditViewsTest {
  // "user" is an SQL keyword: the views and the function they call must quote the schema
  private static final String S = "\"user\"";
  private static final String JSON_HEADERS =
      "'{\"pump.content-type\": \"application/json\","
          + " \"pump.enclosed-types\": \"shop.OrderPlaced;shop.OrderEvent\"}'";

  static TestDatabase db;

  @BeforeAll
  static void migrate(TestDatabase database) throws SQLException {
    db = database;
    PumpMigrations.migrate(db.dataSource(), "user");
    execute(
        // dispatched, caused by incoming message in-1, JSON body
        "INSERT INTO "
            + S
            + ".outbox (endpoint, causation_id, kind, destination, topics, message_id, headers,"
            + " body, dispatched_at) VALUES ('orders', 'in-1', 'publish', 'shop.OrderPlaced',"
            + " ARRAY['shop.OrderPlaced'], 'out-1', "
            + JSON_HEADERS
            + ", convert_to('{\"orderId\": \"o-1\"}', 'UTF8'), now())",
        // pending and due, caused by in-1 too, JSON content type but not JSON
        "INSERT INTO "
            + S
            + ".outbox (endpoint, causation_id, destination, message_id, headers, body,"
            + " created_at) VALUES ('orders', 'in-1', 'billing', 'out-2', "
            + JSON_HEADERS
            + ", convert_to('not json', 'UTF8'), now() - interval '5 minutes')",
        // pending, not yet due, failed twice: invalid UTF-8 body
        "INSERT INTO "
            + S
            + ".outbox (endpoint, destination, message_id, headers, body, due_at, attempts,"
            + " last_error) VALUES ('orders', 'billing', 'out-3', "
            + JSON_HEADERS
            + ", '\\xff00ff'::bytea, now() + interval '1 hour', 2, 'connection refused')",
        // parked; a body without content type that is JSON
        "INSERT INTO "
            + S
            + ".outbox (endpoint, destination, message_id, body, attempts, last_error,"
            + " parked_at) VALUES ('billing', 'shipping', 'out-4', convert_to('[1, 2]', 'UTF8'),"
            + " 10, 'queue shipping not found', now())",
        // a body whose content type says it is not JSON, though it parses
        "INSERT INTO "
            + S
            + ".outbox (endpoint, destination, message_id, headers, body, dispatched_at)"
            + " VALUES ('orders', 'audit', 'out-5', '{\"pump.content-type\": \"text/plain\"}',"
            + " convert_to('42', 'UTF8'), now())",
        // two error queues with different names, and an ordinary message
        "INSERT INTO "
            + S
            + ".queue_message (queue, message_id, headers, body) VALUES"
            + " ('error', 'm-7', '{\"pump.failure.queue\": \"shipping\","
            + " \"pump.failure.reason\": \"retries-exhausted\","
            + " \"pump.failure.exception-message\": \"no route to Atlantis\","
            + " \"pump.content-type\": \"application/json\"}', convert_to('{\"id\": 7}', 'UTF8')),"
            + " ('billing.errors', 'm-8', '{\"pump.failure.queue\": \"billing\","
            + " \"pump.failure.reason\": \"unrecoverable\"}', convert_to('x', 'UTF8')),"
            + " ('shipping', 'm-9', '{}', convert_to('{}', 'UTF8'))",
        "INSERT INTO "
            + S
            + ".inbox (endpoint, message_id, duplicates, last_duplicate_at) VALUES"
            + " ('billing', 'a', 0, NULL), ('billing', 'b', 2, now()), ('billing', 'c', 1, now()),"
            + " ('shipping', 'a', 0, NULL)");
  }

  @Test
  void outboxShowsStateTypeAndJsonBodiesAndNullForBodiesThatAreNotJson() throws SQLException {
    assertThat(
            rows(
                "SELECT message_id, state, message_type, body_json::text FROM "
                    + S
                    + ".audit_outbox ORDER BY message_id"))
        .containsExactly(
            "out-1|dispatched|shop.OrderPlaced|{\"orderId\": \"o-1\"}",
            "out-2|pending|shop.OrderPlaced|null",
            "out-3|pending|shop.OrderPlaced|null",
            "out-4|parked|null|[1, 2]",
            "out-5|dispatched|null|null");
  }

  @Test
  void outboxAnswersWhatAnIncomingMessageCaused() throws SQLException {
    assertThat(
            rows(
                "SELECT message_id, destination FROM "
                    + S
                    + ".audit_outbox WHERE causation_id = 'in-1' ORDER BY id"))
        .containsExactly("out-1|shop.OrderPlaced", "out-2|billing");
  }

  /**
   * The causation index holds only rows that have a causation id, and that lookup still uses it.
   */
  @Test
  void whatAnIncomingMessageCausedIsLookedUpByTheCausationIndex() throws SQLException {
    List<String> plan = new ArrayList<>();
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      // a handful of rows: without this the planner rightly prefers reading the table
      statement.execute("SET enable_seqscan = off");
      try (ResultSet result =
          statement.executeQuery(
              "EXPLAIN SELECT message_id FROM "
                  + S
                  + ".audit_outbox WHERE causation_id = 'in-1'")) {
        while (result.next()) {
          plan.add(result.getString(1));
        }
      }
    }

    assertThat(String.join("\n", plan)).contains("outbox_causation_idx");
  }

  @Test
  void pendingCountsWaitingRowsPerDestinationWithTheOldestAge() throws SQLException {
    assertThat(
            rows(
                "SELECT destination, kind, pending, due, failing,"
                    + " oldest_age >= interval '5 minutes' FROM "
                    + S
                    + ".audit_outbox_pending ORDER BY destination"))
        .containsExactly("billing|send|2|1|1|t");
  }

  @Test
  void failuresListParkedRowsAndRowsThatFailedAndWillBeRetried() throws SQLException {
    assertThat(
            rows(
                "SELECT message_id, state, attempts, last_error FROM "
                    + S
                    + ".audit_outbox_failures ORDER BY message_id"))
        .containsExactly(
            "out-3|retrying|2|connection refused", "out-4|parked|10|queue shipping not found");
  }

  @Test
  void errorQueueShowsFailedCopiesWhateverTheErrorQueueIsCalled() throws SQLException {
    assertThat(
            rows(
                "SELECT error_queue, message_id, failed_queue, reason, exception_message,"
                    + " body_json::text FROM "
                    + S
                    + ".audit_error_queue ORDER BY message_id"))
        .containsExactly(
            "error|m-7|shipping|retries-exhausted|no route to Atlantis|{\"id\": 7}",
            "billing.errors|m-8|billing|unrecoverable|null|null");
  }

  @Test
  void inboxDuplicatesCountsSkippedCopiesPerEndpoint() throws SQLException {
    assertThat(
            rows(
                "SELECT endpoint, sum(handled), sum(duplicated_messages), sum(duplicates_skipped)"
                    + " FROM "
                    + S
                    + ".audit_inbox_duplicates GROUP BY endpoint ORDER BY endpoint"))
        .containsExactly("billing|3|2|3", "shipping|1|0|0");
  }

  @Test
  void jsonBodyToleratesEveryKindOfBody() throws SQLException {
    assertThat(
            rows(
                "SELECT "
                    + S
                    + ".json_body(NULL, NULL) IS NULL, "
                    + S
                    + ".json_body(convert_to('{\"a\": 1}', 'UTF8'), NULL)::text, "
                    + S
                    + ".json_body(convert_to('{\"a\": 1}', 'UTF8'),"
                    + " 'application/vnd.shop+json; charset=utf-8')::text, "
                    + S
                    + ".json_body('\\x00'::bytea, 'application/json') IS NULL, "
                    + S
                    + ".json_body(convert_to('\"\\u0000\"', 'UTF8'), 'application/json') IS NULL"))
        .containsExactly("t|{\"a\": 1}|{\"a\": 1}|t|t");
  }

  private static List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? "|" : "").append(result.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  private static void execute(String... statements) throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
