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
import java.time.OffsetDateTime;
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
    jdbi = Jdbi.create(() -> statements.counting(db.dataSource().getConnection()));
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

  /**
   * Few rows go in as {@code INSERT ... VALUES}, more through {@code unnest}: either way one
   * statement writes the same columns, with each row's own causation id.
   */
  @Test
  void writesTheSameRowsInOneStatementWhateverTheirNumber() {
    for (int n : List.of(1, 2, OutboxStore.VALUES_ROWS, OutboxStore.VALUES_ROWS + 1, 50)) {
      jdbi.useHandle(h -> h.execute("TRUNCATE pump.outbox"));
      List<OutboxRow> rows = new ArrayList<>();
      List<String> causes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        rows.add(
            i % 3 == 0
                ? new OutboxRow(
                    "shop.OrderPlaced",
                    List.of("shop.OrderPlaced", "shop.Event"),
                    "m-" + i,
                    Map.of("pump.message-id", "m-" + i, "note", "tab\there \"q\" \\ é"),
                    new byte[] {(byte) i, 0, (byte) 0xff},
                    Duration.ZERO,
                    "key-" + i)
                : send("billing", "m-" + i, i % 3 == 1 ? Duration.ofMinutes(5) : Duration.ZERO));
        causes.add(i % 2 == 0 ? "in-" + i : null);
      }
      statements.reset();

      int inserted = jdbi.inTransaction(h -> outbox.insertCaused(h, "orders", causes, rows));

      assertThat(inserted).as("rows of %d", n).isEqualTo(n);
      assertThat(statements.executed()).as("statements for %d rows", n).isEqualTo(1);
      List<String> stored =
          jdbi.withHandle(h ->
              h.createQuery(
                      "SELECT concat_ws('|', endpoint, coalesce(causation_id, '-'), kind,"
                          + " destination, coalesce(array_to_string(topics, ','), '-'),"
                          + " headers->>'note', encode(body, 'hex'), coalesce(ordering_key, '-'),"
                          + " attempts, due_at > created_at + interval '299 seconds',"
                          + " due_at < created_at + interval '1 second')"
                          + " FROM pump.outbox ORDER BY id")
                  .mapTo(String.class)
                  .list());
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        OutboxRow row = rows.get(i);
        boolean later = !row.delay().isZero();
        expected.add(
            String.join(
                "|",
                "orders",
                causes.get(i) == null ? "-" : causes.get(i),
                row.isPublish() ? "publish" : "send",
                row.destination(),
                row.isPublish() ? "shop.OrderPlaced,shop.Event" : "-",
                row.isPublish() ? "tab\there \"q\" \\ é" : "",
                java.util.HexFormat.of().formatHex(row.body()),
                row.orderingKey() == null ? "-" : row.orderingKey(),
                "0",
                later ? "t" : "f",
                later ? "f" : "t"));
      }
      // concat_ws skips a null: a send's missing note leaves no field
      assertThat(stored)
          .as("rows of %d", n)
          .containsExactlyElementsOf(expected.stream().map(e -> e.replace("||", "|")).toList());
    }
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
                "SELECT count(*) FROM pump.outbox WHERE message_id = 'm-now'"
                    + " AND due_at BETWEEN created_at AND created_at + interval '1 second'"))
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

  /**
   * A claim that starts after the head (where the last one found rows) leaves the rows due before
   * it for a claim from the head, and a keyed row waits while an earlier row of its key is among
   * them: the key's order holds whichever claim comes first.
   */
  @Test
  void aClaimFromAStartLeavesEarlierRowsAndAKeyWaitsForItsEarlierRow() {
    jdbi.useTransaction(h ->
        outbox.insert(
            h,
            "orders",
            null,
            List.of(
                keyed("billing", "m-early-keyed", "order-1"),
                send("billing", "m-early", Duration.ZERO),
                keyed("billing", "m-late-keyed", "order-1"),
                send("billing", "m-late", Duration.ZERO))));
    // the first two as a paused destination or a rollback leaves them: due long before the start
    jdbi.useHandle(h ->
        h.execute(
            "UPDATE pump.outbox SET due_at = now() - interval '1 hour'"
                + " WHERE message_id IN ('m-early-keyed', 'm-early')"));
    OffsetDateTime start =
        jdbi.withHandle(h ->
            h.createQuery("SELECT now() - interval '1 minute'").mapTo(OffsetDateTime.class).one());

    OutboxStore.Claimed fromStart = jdbi.inTransaction(h -> outbox.claim(h, 100, List.of(), start));
    OutboxStore.Claimed fromHead = jdbi.inTransaction(h -> outbox.claim(h, 100, List.of(), null));

    assertThat(fromStart.rows()).extracting(PendingRow::messageId).containsExactly("m-late");
    assertThat(fromHead.rows())
        .extracting(PendingRow::messageId)
        .containsExactly("m-early-keyed", "m-early", "m-late-keyed", "m-late");
    assertThat(fromHead.latestDueAt()).isAfter(start);
  }

  private static OutboxRow keyed(String queue, String messageId, String key) {
    return new OutboxRow(
        queue,
        null,
        messageId,
        Map.of("pump.message-id", messageId),
        messageId.getBytes(StandardCharsets.UTF_8),
        Duration.ZERO,
        key);
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
