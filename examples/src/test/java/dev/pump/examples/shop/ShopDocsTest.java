package dev.pump.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.examples.docs.DocPages;
import dev.pump.examples.docs.DocsSql;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The documented SQL cannot rot: the shop example populates a test database, then every {@code
 * ```sql} block of the README and docs/*.md runs against it as psql would run the page ({@link
 * DocsSql}), the queries the example prints are the operations page's own, and the page's queries
 * find what the example's story did.
 */
@ExtendWith(PostgresExtension.class)
class ShopDocsTest {
  private static final Path OPERATIONS = Path.of("../docs/operations.md");

  static TestDatabase db;
  static ShopSummary summary;
  static Instant began;
  static List<String> blocks;

  @BeforeAll
  static void runTheShop(TestDatabase database) throws IOException {
    db = database;
    began = Instant.now();
    summary =
        ShopExample.run(
            new ShopSettings(db.jdbcUrl(), db.user(), db.password(), null),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    blocks = AuditQueries.sqlBlocks(Files.readString(OPERATIONS));
  }

  @Test
  void theShopRanOnTheTestDatabase() {
    assertThat(summary.exactlyOnce()).as(summary.problems().toString()).isTrue();
  }

  @Test
  void everySqlBlockOfTheDocsRunsAsInPsqlOnTheShopsDatabase() throws SQLException {
    List<String> problems = new ArrayList<>();
    int ran = 0;
    for (Path page : DocPages.all()) {
      // the pages name Pump's schema by its default, pump; the shop's is shop_pump. The rename is
      // in the page's transaction, which is rolled back.
      DocsSql.Outcome outcome =
          DocsSql.run(
              db.dataSource(),
              page,
              List.of("ALTER SCHEMA " + ShopDatabase.PUMP_SCHEMA + " RENAME TO pump"));
      problems.addAll(outcome.problems());
      ran += outcome.statementsRun();
    }

    assertThat(problems).as(String.join("\n\n", problems)).isEmpty();
    assertThat((long) ran)
        .isGreaterThanOrEqualTo(blocks.stream().filter(b -> b.contains(";")).count());
  }

  @Test
  void theQueriesTheExamplePrintsAreQuotedInTheOperationsPage() {
    List<String> documented = blocks.stream().map(AuditQueries::normalized).toList();

    assertThat(AuditQueries.shopQueries()).hasSize(7);
    for (AuditQueries.Query query : AuditQueries.shopQueries()) {
      assertThat(documented).as(query.title()).contains(AuditQueries.normalized(query.sql()));
    }
  }

  @Test
  void theDocumentedQueriesFindWhatTheStoryDid() throws SQLException {
    // what PlaceOrder order-0007 caused: the OrderPlaced event, published by orders
    assertThat(rows(documented("WHERE causation_id = :'message_id'")))
        .singleElement()
        .satisfies(row -> assertThat(row).contains("orders", "publish", "dispatched"));
    // the whole conversation: the command, the event, the reply
    assertThat(rows(documented("WHERE conversation_id = :'conversation_id'"))).hasSize(3);
    // nothing waits, failed or stays parked at the end of the story
    assertThat(rows(documented("FROM audit_outbox_pending"))).isEmpty();
    assertThat(rows(documented("FROM audit_outbox_failures"))).isEmpty();
    assertThat(rows(documented("FROM audit_error_queue\nORDER BY enqueued_at"))).isEmpty();
    // duplicates the inbox skipped, summed over endpoints and hours
    long skipped =
        rows(documented("FROM audit_inbox_duplicates\nGROUP BY endpoint, date_trunc")).stream()
            .mapToLong(row -> Long.parseLong(row.get(3)))
            .sum();
    assertThat(skipped).isEqualTo(summary.duplicatesSkipped());
  }

  private static String documented(String fragment) {
    return blocks.stream()
        .filter(b -> b.contains(fragment))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no SQL block of operations.md has " + fragment));
  }

  private static List<List<String>> rows(String sql) throws SQLException {
    return run(sql).rows();
  }

  private static AuditQueries.Result run(String sql) throws SQLException {
    return AuditQueries.run(
        db.dataSource(),
        ShopDatabase.PUMP_SCHEMA,
        sql,
        Map.of(
            "message_id", "order-0007",
            "conversation_id", "order-0007",
            "destination", "orders",
            "queue", "orders",
            "from", began.minusSeconds(60).toString(),
            "to", Instant.now().plusSeconds(60).toString()));
  }
}
