package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A message's trace, from the inbox, the outbox, the queues and the discards. */
@ExtendWith(PostgresExtension.class)
class MessageTraceTest {
  static JdbcStorage storage;

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    storage
        .jdbi()
        .useHandle(h -> {
          // noise: a few thousand unrelated rows, so the plans are those of a used database
          h.execute(
              "INSERT INTO pump.inbox (endpoint, message_id) SELECT 'e' || (g % 7), 'n-' || g"
                  + " FROM generate_series(1, 5000) g");
          h.execute(
              "INSERT INTO pump.outbox (endpoint, causation_id, destination, message_id, body,"
                  + " dispatched_at) SELECT 'e1', 'n-' || g, 'd', 'm-' || g, '\\x00', now()"
                  + " FROM generate_series(1, 5000) g");
          // the story: web -> order-1 handled by orders, which sent charge-1 (dispatched) to
          // billing and published placed-1; billing handled charge-1 and replied paid-1 (parked);
          // shipping's copy of placed-1 sits in its error queue
          h.execute(
              "INSERT INTO pump.inbox (endpoint, message_id, duplicates) VALUES"
                  + " ('orders', 'order-1', 1), ('billing', 'charge-1', 0)");
          h.execute(
              "INSERT INTO pump.outbox (endpoint, causation_id, kind, destination, topics,"
                  + " message_id, headers, body, dispatched_at) VALUES"
                  + " ('orders', 'order-1', 'send', 'billing', NULL, 'charge-1',"
                  + " '{\"pump.enclosed-types\": \"shop.Charge\"}', '\\x00', now()),"
                  + " ('orders', 'order-1', 'publish', 'shop.Placed', '{shop.Placed}', 'placed-1',"
                  + " '{\"pump.enclosed-types\": \"shop.Placed;shop.Event\"}', '\\x00', now())");
          h.execute(
              "INSERT INTO pump.outbox (endpoint, causation_id, destination, message_id, body,"
                  + " attempts, last_error, parked_at) VALUES ('billing', 'charge-1', 'orders',"
                  + " 'paid-1', '\\x00', 10, 'no queue orders', now())");
          h.execute(
              "INSERT INTO pump.queue_message (queue, message_id, headers, body) VALUES"
                  + " ('error', 'placed-1', '{\"pump.failure.queue\": \"shipping\","
                  + " \"pump.failure.reason\": \"unrecoverable\"}', '\\x00')");
          h.execute("ANALYZE pump.inbox");
          h.execute("ANALYZE pump.outbox");
        });
  }

  @Test
  void aTraceShowsWhoHandledItWhatItCausedAndWhereEachIsNow() {
    MessageTrace trace = storage.operations().trace("order-1");

    assertThat(trace.sent())
        .extracting(
            MessageTrace.Sent::depth, MessageTrace.Sent::messageId, MessageTrace.Sent::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "charge-1", "dispatched"),
            org.assertj.core.groups.Tuple.tuple(1, "placed-1", "dispatched"),
            org.assertj.core.groups.Tuple.tuple(2, "paid-1", "parked"));
    assertThat(trace.sent().get(1).messageType()).isEqualTo("shop.Placed");
    assertThat(trace.sent().get(2).lastError()).isEqualTo("no queue orders");
    assertThat(trace.handled())
        .extracting(MessageTrace.Handled::messageId, MessageTrace.Handled::endpoint)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("order-1", "orders"),
            org.assertj.core.groups.Tuple.tuple("charge-1", "billing"));
    assertThat(trace.handled())
        .filteredOn(h -> h.endpoint().equals("orders"))
        .extracting(MessageTrace.Handled::duplicates)
        .containsExactly(1);
    assertThat(trace.waiting())
        .extracting(
            MessageTrace.Waiting::messageId,
            MessageTrace.Waiting::place,
            MessageTrace.Waiting::name,
            MessageTrace.Waiting::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "placed-1", "error-queue", "error", "unrecoverable"));
    assertThat(trace.truncated()).isFalse();
  }

  @Test
  void aTraceIsBoundedByDepthAndRows() {
    assertThat(storage.operations().trace("order-1", 1, 200).sent()).hasSize(2);
    MessageTrace cut = storage.operations().trace("order-1", 5, 1);
    assertThat(cut.sent()).hasSize(1);
    assertThat(cut.truncated()).isTrue();
    assertThat(storage.operations().trace("unknown").isEmpty()).isTrue();
  }

  @Test
  void theTraceQueriesUseTheIndexes() {
    List<String> caused =
        plan(
            "WITH RECURSIVE caused AS (SELECT 1 AS depth, id, message_id FROM pump.outbox"
                + " WHERE causation_id = 'order-1' UNION ALL SELECT c.depth + 1, o.id, o.message_id"
                + " FROM caused c JOIN pump.outbox o ON o.causation_id = c.message_id"
                + " WHERE c.depth < 5) SELECT * FROM caused LIMIT 201");
    assertThat(String.join("\n", caused))
        .contains("outbox_causation_idx")
        .doesNotContain("Seq Scan on outbox");
    List<String> handled =
        plan(
            "WITH RECURSIVE endpoints AS ((SELECT endpoint FROM pump.inbox ORDER BY endpoint"
                + " LIMIT 1) UNION ALL SELECT (SELECT i.endpoint FROM pump.inbox i WHERE"
                + " i.endpoint > e.endpoint ORDER BY i.endpoint LIMIT 1) FROM endpoints e"
                + " WHERE e.endpoint IS NOT NULL) SELECT i.* FROM endpoints e JOIN pump.inbox i"
                + " ON i.endpoint = e.endpoint AND i.message_id = ANY('{order-1,charge-1}')");
    assertThat(String.join("\n", handled))
        .contains("inbox_pkey")
        .doesNotContain("Seq Scan on inbox");
  }

  private static List<String> plan(String sql) {
    return storage
        .jdbi()
        .withHandle(h -> h.createQuery("EXPLAIN " + sql).mapTo(String.class).list());
  }
}
