package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.harness.Harness;
import dev.pump.faults.report.Books;
import dev.pump.faults.report.Verdict;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The checker finds every kind of broken books, and passes clean ones. */
class BooksTest {
  @Test
  void emptyBooksAreClean() throws Exception {
    try (Harness harness = new Harness(TestServer.shared(), "books_empty")) {
      Verdict verdict = harness.books();
      assertThat(verdict.clean()).as(verdict.line()).isTrue();
      assertThat(verdict.line()).startsWith("CLEAN inputs=0");
    }
  }

  @Test
  void everyRuleCatchesWhatItIsFor() throws Exception {
    try (Harness harness = new Harness(TestServer.shared(), "books_broken")) {
      Jdbi jdbi = harness.storage().jdbi();
      jdbi.useHandle(h -> {
        h.execute("INSERT INTO fault_input VALUES ('a', 1), ('a', 2), ('b', 1), ('c', 1)");
        // a: once, but its repeat never reached the inbox; b: twice; c: never
        h.execute(
            "INSERT INTO fault_effect (endpoint, message_id, order_id, pid) VALUES"
                + " ('orders', 'a', 'a', 1), ('orders', 'b', 'b', 1), ('orders', 'b', 'b', 2),"
                + " ('billing', 'zz', 'zz', 1)");
        h.execute(
            "INSERT INTO pump.inbox (endpoint, message_id) VALUES ('orders', 'a'), ('orders', 'b')");
        h.execute(
            "INSERT INTO pump.outbox (endpoint, destination, message_id, body, due_at, dispatched_at)"
                + " VALUES ('web', 'orders', 'a', '', now(), now()),"
                + " ('web', 'orders', 'b', '', now(), now()),"
                + " ('web', 'orders', 'ghost', '', now(), now()),"
                + " ('orders', 'billing', 'late', '', now() - interval '1 hour', NULL),"
                + " ('orders', 'billing', 'lostmsg', '', now(), now())");
        h.execute(
            "INSERT INTO pump.queue_message (queue, message_id, body) VALUES ('orders', 'nocause', ''),"
                + " ('error', 'boom', '')");
      });
      Verdict verdict = Books.check(jdbi, SchemaName.DEFAULT, true, Duration.ofSeconds(30));
      assertThat(verdict.violations())
          .extracting(Verdict.Violation::rule)
          .containsExactlyInAnyOrder(
              "input-not-once",
              "effect-twice",
              "effect-without-inbox",
              "undelivered",
              "lost",
              "queued",
              "repeat-not-absorbed",
              "effect-without-cause",
              "outbox-without-cause",
              "queue-without-cause",
              "unexpected-error",
              "unreadable-reason",
              "stuck");
      assertThat(verdict.line()).startsWith("VIOLATED ").contains("input-not-once=2");

      // while the run is still going, pending rows and queued messages are not yet violations
      Verdict running = Books.check(jdbi, SchemaName.DEFAULT, false, Duration.ofHours(2));
      assertThat(running.violations())
          .extracting(Verdict.Violation::rule)
          .doesNotContain("undelivered", "queued", "stuck");
    }
  }
}
