package dev.pump.jdbc.internal.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.jdbc.internal.StatementCounter;
import dev.pump.migrations.PumpMigrations;
import dev.pump.migrations.SchemaName;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class OutboxStoreTest {
  static Jdbi jdbi;
  static OutboxStore outbox;
  static final StatementCounter statements = new StatementCounter();

  @BeforeAll
  static void migrate(TestDatabase db) {
    PumpMigrations.migrate(db.dataSource());
    jdbi = Jdbi.create(db.dataSource());
    jdbi.setSqlLogger(statements);
    outbox = new OutboxStore(SchemaName.DEFAULT);
  }

  @BeforeEach
  void empty() {
    jdbi.useHandle(h -> h.execute("TRUNCATE pump.outbox"));
    statements.reset();
  }

  @Test
  void writesAWholeBatchInOneStatement() {
    List<OutboxRow> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(send("billing", "m-" + i, Duration.ZERO));
    }

    int inserted = jdbi.inTransaction(h -> outbox.insert(h, "orders", "in-1", rows));

    assertThat(inserted).isEqualTo(500);
    assertThat(statements.executed()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE causation_id = 'in-1'"))
        .isEqualTo(500);
  }

  @Test
  void keepsEveryFieldOfSendsAndPublishes() {
    byte[] body = new byte[] {0, 1, 2, (byte) 0xff};
    OutboxRow publish =
        new OutboxRow(
            "shop.OrderPlaced",
            List.of("shop.OrderPlaced", "shop.Event"),
            "m-pub",
            Map.of("pump.message-id", "m-pub", "note", "ünïcødé \"quoted\""),
            body,
            Duration.ZERO,
            "order-7");

    jdbi.useTransaction(h ->
        outbox.insert(
            h, "orders", "in-2", List.of(publish, send("billing", "m-s", Duration.ZERO))));

    Map<String, Object> row =
        jdbi.withHandle(h ->
            h.createQuery(
                    "SELECT endpoint, causation_id, kind, destination, array_to_string(topics, '|') AS topics,"
                        + " headers->>'note' AS note, body, ordering_key, attempts,"
                        + " dispatched_at IS NULL AND parked_at IS NULL AS pending"
                        + " FROM pump.outbox WHERE message_id = 'm-pub'")
                .mapToMap()
                .one());
    assertThat(row)
        .containsEntry("endpoint", "orders")
        .containsEntry("causation_id", "in-2")
        .containsEntry("kind", "publish")
        .containsEntry("destination", "shop.OrderPlaced")
        .containsEntry("topics", "shop.OrderPlaced|shop.Event")
        .containsEntry("note", "ünïcødé \"quoted\"")
        .containsEntry("ordering_key", "order-7")
        .containsEntry("attempts", 0)
        .containsEntry("pending", true);
    assertThat((byte[]) row.get("body")).containsExactly(body);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE message_id = 'm-s' AND kind = 'send'"))
        .isEqualTo(1);
  }

  @Test
  void aDelayedSendIsDueLater() {
    jdbi.useTransaction(h ->
        outbox.insert(
            h,
            "orders",
            null,
            List.of(
                send("billing", "m-now", Duration.ZERO),
                send("billing", "m-later", Duration.ofMinutes(5)))));

    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE message_id = 'm-later'"
                    + " AND due_at BETWEEN created_at + interval '299 seconds'"
                    + " AND created_at + interval '301 seconds'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE message_id = 'm-now' AND due_at = created_at"))
        .isEqualTo(1);
  }

  @Test
  void rowsExistOnlyIfTheTransactionCommits() {
    assertThatThrownBy(() ->
            jdbi.useTransaction(h -> {
              outbox.insert(h, "orders", "in-3", List.of(send("billing", "m-x", Duration.ZERO)));
              throw new IllegalStateException("handler failed");
            }))
        .hasMessage("handler failed");

    assertThat(count("SELECT count(*) FROM pump.outbox")).isZero();
  }

  private static OutboxRow send(String queue, String messageId, Duration delay) {
    return new OutboxRow(
        queue,
        null,
        messageId,
        Map.of("pump.message-id", messageId),
        messageId.getBytes(StandardCharsets.UTF_8),
        delay,
        null);
  }

  private static long count(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }
}
