package dev.pump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** {@code pump backlog}, {@code pump trace} and {@code pump purge}. */
@ExtendWith(PostgresExtension.class)
class BacklogTraceAndPurgeTest {
  static TestDatabase db;
  static Seed seed;

  @BeforeAll
  static void schema(TestDatabase database) {
    db = database;
    seed = new Seed(db);
  }

  @BeforeEach
  void story() {
    seed.empty();
    // a web request sent PlaceOrder o-7; orders handled it and published OrderPlaced, which
    // billing handled, sending ChargeCard; the charge failed in billing's handler
    seed.outbox("web", null, "orders", "o-7", "dispatched");
    seed.handled("orders", "o-7");
    seed.outbox("orders", "o-7", "shop.OrderPlaced", "e-7", "dispatched");
    seed.handled("billing", "e-7");
    seed.handled("shipping", "e-7");
    seed.outbox("billing", "e-7", "payments", "c-7", "pending");
    seed.outbox("billing", "e-7", "ledger", "l-7", "parked");
    seed.failed("error", "c-7", "payments", "card declined", "{}");
  }

  @Test
  void backlogShowsTheOutboxPerDestinationAndTheQueues() {
    Cli.Result result = Cli.on(db).run("backlog");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("Outbox", "DESTINATION", "PENDING", "OLDEST")
        .containsPattern("payments\\s+1\\s+1\\s+0\\s+\\d+s")
        .containsPattern("ledger\\s+0\\s+0\\s+1")
        .contains("(parked rows: 1; `pump parked list` shows them)")
        .contains("Queues", "error");
  }

  @Test
  void backlogAsJson() {
    JsonNode backlog = Cli.on(db).run("backlog", "--json").json();

    assertThat(backlog.get("outbox").size()).isEqualTo(2);
    assertThat(backlog.get("outbox").get(0).get("destination").asString()).isEqualTo("ledger");
    assertThat(backlog.get("outbox").get(0).get("parked").asInt()).isEqualTo(1);
    assertThat(backlog.get("queues").get(0).get("queue").asString()).isEqualTo("error");
    assertThat(backlog.get("queues").get(0).get("messages").asInt()).isEqualTo(1);
  }

  @Test
  void traceFollowsWhatAMessageCausedLevelByLevel() {
    Cli.Result result = Cli.on(db).run("trace", "o-7");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("message o-7")
        .contains("send shop.Message by web to orders: dispatched")
        .contains("handled by orders")
        .contains("caused 1:")
        .contains("    message e-7")
        .contains("handled by billing", "handled by shipping")
        .contains("        message c-7")
        .contains("failed in payments, in error queue error (retries-exhausted: card declined)")
        .contains("        message l-7")
        .contains("ledger: parked");
  }

  @Test
  void traceAsJsonNestsTheCausedMessages() {
    JsonNode trace = Cli.on(db).run("trace", "o-7", "--json").json();

    assertThat(trace.get("messageId").asString()).isEqualTo("o-7");
    JsonNode placed = trace.get("caused").get(0);
    assertThat(placed.get("messageId").asString()).isEqualTo("e-7");
    assertThat(placed.get("handled").size()).isEqualTo(2);
    assertThat(placed.get("caused").size()).isEqualTo(2);
    assertThat(placed.get("caused").get(0).get("queued").get(0).get("failedQueue").asString())
        .isEqualTo("payments");
  }

  @Test
  void traceStopsAtTheDepthAndSaysThereIsMore() {
    Cli.Result result = Cli.on(db).run("trace", "o-7", "--depth", "1");

    assertThat(result.out()).contains("message e-7").doesNotContain("message c-7");
    assertThat(result.out()).contains("caused more, not shown");
  }

  @Test
  void traceOfAnUnknownMessageIsNotFound() {
    Cli.Result result = Cli.on(db).run("trace", "never-sent");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("no trace of message never-sent in schema pump");
  }

  @Test
  void purgeDryRunCountsAndDeletesNothingThenPurgeDeletes() {
    seed.execute(
        "UPDATE pump.outbox SET dispatched_at = now() - interval '8 days'"
            + " WHERE dispatched_at IS NOT NULL");
    seed.execute("UPDATE pump.inbox SET processed_at = now() - interval '3 days'");

    Cli.Result dryRun = Cli.on(db).run("purge", "--dry-run");
    Cli.Result shorter = Cli.on(db).run("purge", "--dry-run", "--inbox-retention", "2d", "--json");

    assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
    assertThat(dryRun.out())
        .contains("Would purge 2 dispatched outbox rows older than 7d, 0 inbox rows")
        .contains("nothing was deleted");
    assertThat(shorter.json().get("inboxRows").asInt()).isEqualTo(3);
    assertThat(seed.count("SELECT count(*) FROM pump.outbox")).isEqualTo(4);

    Cli.Result purge = Cli.on(db).run("purge", "--json");

    assertThat(purge.exitCode()).isZero();
    assertThat(purge.json().get("outboxRows").asInt()).isEqualTo(2);
    assertThat(seed.count("SELECT count(*) FROM pump.outbox")).isEqualTo(2);
    assertThat(seed.count("SELECT count(*) FROM pump.inbox")).isEqualTo(3);
  }

  @Test
  void purgeRefusesAnAgeItCannotReadOrAnInboxWindowTooShort() {
    Cli.Result unreadable = Cli.on(db).run("purge", "--outbox-retention", "a week");
    Cli.Result tooShort = Cli.on(db).run("purge", "--inbox-retention", "10s");

    assertThat(unreadable.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unreadable.err()).contains("'a week' is not an age");
    assertThat(tooShort.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tooShort.err()).contains("inboxRetention must be at least 1 minute");
    assertThat(seed.count("SELECT count(*) FROM pump.outbox")).isEqualTo(4);
  }
}
