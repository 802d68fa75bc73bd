package dev.pump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** {@code pump parked list|retry|discard}: outbox rows the dispatcher gave up on. */
@ExtendWith(PostgresExtension.class)
class ParkedCommandTest {
  static TestDatabase db;
  static Seed seed;

  @BeforeAll
  static void schema(TestDatabase database) {
    db = database;
    seed = new Seed(db);
  }

  @BeforeEach
  void parked() {
    seed.empty();
    seed.outbox("orders", "o-1", "billing", "p-1", "parked");
    seed.outbox("orders", "o-2", "billing", "p-2", "parked");
    seed.outbox("orders", "o-3", "shipping", "p-3", "parked");
    seed.outbox("orders", "o-4", "shipping", "d-4", "dispatched");
  }

  private long id(String messageId) {
    return seed.count("SELECT id FROM pump.outbox WHERE message_id = '" + messageId + "'");
  }

  @Test
  void listShowsParkedRowsWithTheirLastError() {
    Cli.Result result = Cli.on(db).run("parked", "list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().split("\n")).hasSize(4);
    assertThat(result.out())
        .contains("DESTINATION", "LAST ERROR", "p-1", "queue shipping not found")
        .doesNotContain("d-4");
  }

  @Test
  void listAsJsonReadsBack() {
    JsonNode rows = Cli.on(db).run("parked", "list", "--json").json();

    assertThat(rows.size()).isEqualTo(3);
    assertThat(rows.get(0).get("id").asLong()).isEqualTo(id("p-1"));
    assertThat(rows.get(0).get("attempts").asInt()).isEqualTo(10);
  }

  @Test
  void retryByIdRequeuesThemAndReportsAnUnknownOrUnparkedId() {
    Cli.Result result =
        Cli.on(db)
            .run("parked", "retry", String.valueOf(id("p-1")), String.valueOf(id("d-4")), "999999");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.out()).contains("Re-queued parked rows " + id("p-1"));
    assertThat(result.err())
        .contains("no parked outbox row " + id("d-4"), "no parked outbox row 999999");
    assertThat(seed.count("SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL"))
        .isEqualTo(2);
  }

  @Test
  void retryByDestinationOrAll() {
    Cli.Result billing = Cli.on(db).run("parked", "retry", "--destination", "billing");
    Cli.Result all = Cli.on(db).run("parked", "retry", "--all", "--json");

    assertThat(billing.exitCode()).isZero();
    assertThat(billing.out()).contains("Re-queued 2 parked rows to billing.");
    assertThat(all.json().get("requeued").asInt()).isEqualTo(1);
    assertThat(seed.count("SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL")).isZero();
  }

  @Test
  void retryTakesExactlyOneSelection() {
    Cli.Result none = Cli.on(db).run("parked", "retry");
    Cli.Result two = Cli.on(db).run("parked", "retry", "--all", "--destination", "billing");
    Cli.Result notANumber = Cli.on(db).run("parked", "retry", "p-1");
    Cli.Result badDestination = Cli.on(db).run("parked", "retry", "--destination", "bill ing");

    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(two.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(notANumber.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(notANumber.err()).contains("p-1");
    assertThat(badDestination.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badDestination.err()).contains("--destination must be 1 to 200 characters");
  }

  @Test
  void discardMovesParkedRowsIntoTheAuditAndNeverAPendingOrDispatchedOne() {
    long parked = id("p-3");
    Cli.Result result =
        Cli.on(db)
            .run(
                "parked",
                "discard",
                String.valueOf(parked),
                String.valueOf(id("d-4")),
                "--by",
                "bob");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.out()).contains("Discarded parked rows " + parked);
    assertThat(seed.count("SELECT count(*) FROM pump.discarded_message WHERE source = 'outbox'"))
        .isEqualTo(1);
    assertThat(seed.count("SELECT count(*) FROM pump.outbox WHERE message_id = 'd-4'"))
        .isEqualTo(1);
  }

  @Test
  void discardAllNeedsYes() {
    assertThat(Cli.on(db).run("parked", "discard", "--all").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(seed.count("SELECT count(*) FROM pump.discarded_message")).isZero();

    Cli.Result confirmed = Cli.on(db).run("parked", "discard", "--all", "--yes");

    assertThat(confirmed.exitCode()).as(confirmed.toString()).isZero();
    assertThat(seed.count("SELECT count(*) FROM pump.discarded_message")).isEqualTo(3);
    assertThat(seed.count("SELECT count(*) FROM pump.outbox")).isEqualTo(1);
  }

  @Test
  void theDiscardAuditListsNewestFirst() {
    Cli.on(db).run("parked", "discard", String.valueOf(id("p-1")), "--by", "carol");

    Cli.Result audit = Cli.on(db).run("discarded");

    assertThat(audit.exitCode()).isZero();
    assertThat(audit.out()).contains("DISCARDED", "carol", "outbox", "billing", "p-1");
  }
}
