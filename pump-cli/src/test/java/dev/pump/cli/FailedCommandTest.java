package dev.pump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** {@code pump failed list|show|retry|discard} on a PostgreSQL error queue. */
@ExtendWith(PostgresExtension.class)
class FailedCommandTest {
  static TestDatabase db;
  static Seed seed;

  @BeforeAll
  static void schema(TestDatabase database) {
    db = database;
    seed = new Seed(db);
  }

  @BeforeEach
  void failures() {
    seed.empty();
    seed.failed("error", "m-1", "billing", "card declined", "{\"orderId\":\"o-1\"}");
    seed.failed("error", "m-2", "shipping", "no address", "{\"orderId\":\"o-2\"}");
    seed.failed("errors.other", "m-9", "pricing", "boom", "{}");
  }

  @Test
  void listShowsTheQueuesMessagesInAlignedColumns() {
    Cli.Result result = Cli.on(db).run("failed", "list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    String[] lines = result.out().split("\n");
    assertThat(lines[0])
        .startsWith("MESSAGE ID")
        .contains("FAILED IN", "REASON", "FAILED AT", "EXCEPTION");
    assertThat(lines).hasSize(3);
    assertThat(lines[1])
        .startsWith("m-1")
        .contains("billing", "retries-exhausted", "card declined");
    assertThat(lines[1].indexOf("billing")).isEqualTo(lines[2].indexOf("shipping"));
    assertThat(result.out()).doesNotContain("m-9");
  }

  @Test
  void listReadsAnotherQueueAndPrintsJson() {
    Cli.Result result = Cli.on(db).run("failed", "list", "--queue", "errors.other", "--json");

    assertThat(result.exitCode()).isZero();
    assertThat(result.json().get("queue").asString()).isEqualTo("errors.other");
    assertThat(result.json().get("next").isNull()).isTrue();
    JsonNode messages = result.json().get("messages");
    assertThat(messages.size()).isEqualTo(1);
    assertThat(messages.get(0).get("messageId").asString()).isEqualTo("m-9");
    assertThat(messages.get(0).get("failedQueue").asString()).isEqualTo("pricing");
    assertThat(messages.get(0).get("headers").get("app").asString()).isEqualTo("kept");
  }

  @Test
  void listSaysWhenTheQueueIsEmptyAndWhenTheLimitCutsIt() {
    Cli.Result empty = Cli.on(db).run("failed", "list", "--queue", "nothing");
    Cli.Result limited = Cli.on(db).run("failed", "list", "--limit", "1");

    assertThat(empty.exitCode()).isZero();
    assertThat(empty.out()).contains("Error queue nothing is empty.");
    assertThat(limited.out()).contains("m-1").doesNotContain("m-2").contains("(more: --after ");
  }

  @Test
  void showPrintsWhyItFailedItsHeadersStackTraceAndBody() {
    Cli.Result result = Cli.on(db).run("failed", "show", "m-1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("message id   m-1")
        .contains("failed in    billing")
        .contains("java.lang.IllegalStateException: card declined")
        .contains("  app: kept")
        .contains(
            "stack trace\n  java.lang.IllegalStateException: card declined\n  \tat shop.Billing")
        .contains("{\"orderId\":\"o-1\"}");
  }

  @Test
  void showAsJsonReadsBack() {
    JsonNode message = Cli.on(db).run("failed", "show", "m-2", "--json").json();

    assertThat(message.get("exceptionMessage").asString()).isEqualTo("no address");
    assertThat(message.get("bodyBytes").asInt()).isEqualTo(17);
    assertThat(message.get("failedAt").asString()).endsWith("Z");
    assertThat(message.get("stackTrace").asString()).contains("at shop.Billing");
  }

  @Test
  void anUnknownIdIsNotFound() {
    Cli.Result show = Cli.on(db).run("failed", "show", "nope");
    Cli.Result retry = Cli.on(db).run("failed", "retry", "nope");

    assertThat(show.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(show.err()).contains("no message nope in error queue error");
    assertThat(retry.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(retry.err()).contains("no message nope");
  }

  @Test
  void retryMovesTheNamedMessagesBackAndReportsTheUnknownOnes() {
    Cli.Result result = Cli.on(db).run("failed", "retry", "m-1", "nope", "--json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.json().get("retried").get(0).asString()).isEqualTo("m-1");
    assertThat(result.json().get("notFound").get(0).asString()).isEqualTo("nope");
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'billing'"))
        .isEqualTo(1);
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"))
        .isEqualTo(1);
  }

  @Test
  void retryAllEmptiesTheQueue() {
    Cli.Result result = Cli.on(db).run("failed", "retry", "--all");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Retried 2 messages from error.");
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"))
        .isZero();
  }

  @Test
  void retryNeedsIdsOrAllButNotBoth() {
    assertThat(Cli.on(db).run("failed", "retry").exitCode()).isEqualTo(ExitCodes.USAGE);
    Cli.Result both = Cli.on(db).run("failed", "retry", "m-1", "--all");

    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("not both");
  }

  @Test
  void discardMovesTheMessageIntoTheAuditWithWhoDiscardedIt() {
    Cli.Result result = Cli.on(db).run("failed", "discard", "m-2", "--by", "alice");
    Cli.Result audit = Cli.on(db).run("discarded", "--json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Discarded by alice: m-2");
    assertThat(audit.json().get(0).get("messageId").asString()).isEqualTo("m-2");
    assertThat(audit.json().get(0).get("discardedBy").asString()).isEqualTo("alice");
    assertThat(audit.json().get(0).get("location").asString()).isEqualTo("error");
  }

  @Test
  void discardRecordsTheOperatingSystemUserByDefault() {
    Cli.on(db).run("failed", "discard", "m-1");

    assertThat(
            seed.count(
                "SELECT count(*) FROM pump.discarded_message WHERE discarded_by = '"
                    + System.getProperty("user.name")
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void discardAllNeedsYesAndDeletesNothingWithout() {
    Cli.Result refused = Cli.on(db).run("failed", "discard", "--all");

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err()).contains("add --yes", "nothing was discarded");
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"))
        .isEqualTo(2);

    Cli.Result confirmed = Cli.on(db).run("failed", "discard", "--all", "--yes", "--json");

    assertThat(confirmed.exitCode()).isZero();
    assertThat(confirmed.json().get("discarded").size()).isEqualTo(2);
    assertThat(confirmed.json().get("notFound").size()).isZero();
    assertThat(seed.count("SELECT count(*) FROM pump.discarded_message")).isEqualTo(2);
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"))
        .isZero();
  }

  @Test
  void listFiltersByWhereWhyWhatAndWhenAndPagesWithTheCursorItPrints() {
    seed.failed("error", "m-3", "billing", "card expired", "{\"orderId\":\"o-3\"}");

    Cli.Result billing = Cli.on(db).run("failed", "list", "--failed-in", "billing", "--json");
    Cli.Result text = Cli.on(db).run("failed", "list", "--containing", "o-2", "--json");
    Cli.Result recent = Cli.on(db).run("failed", "list", "--since", "PT1H", "--json");
    Cli.Result future = Cli.on(db).run("failed", "list", "--since", "2999-01-01T00:00:00Z");
    Cli.Result first = Cli.on(db).run("failed", "list", "--failed-in", "billing", "--limit", "1");
    String cursor = first.out().replaceAll("(?s).*--after (\\S+) shows.*", "$1").trim();
    Cli.Result second =
        Cli.on(db)
            .run("failed", "list", "--failed-in", "billing", "--limit", "1", "--after", cursor);

    assertThat(billing.json().get("messages").findValuesAsString("messageId"))
        .containsExactly("m-1", "m-3");
    assertThat(text.json().get("messages").findValuesAsString("messageId")).containsExactly("m-2");
    assertThat(recent.json().get("messages").size()).isEqualTo(3);
    assertThat(future.out()).contains("Error queue error has no match.");
    assertThat(first.out()).contains("m-1").doesNotContain("m-3");
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).contains("m-3").doesNotContain("m-1 ").doesNotContain("(more:");
  }

  @Test
  void retryAllWithCriteriaRetriesOnlyWhatTheySelect() {
    Cli.Result result = Cli.on(db).run("failed", "retry", "--all", "--failed-in", "shipping");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Retried m-2").doesNotContain("m-1");
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'shipping'"))
        .isEqualTo(1);
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"))
        .isEqualTo(1);
  }

  @Test
  void badCriteriaAreRefusedBeforeAnythingMoves() {
    Cli.Result when = Cli.on(db).run("failed", "list", "--since", "yesterday");
    Cli.Result idsAndCriteria = Cli.on(db).run("failed", "retry", "m-1", "--reason", "x");
    Cli.Result limit = Cli.on(db).run("failed", "list", "--limit", "1001");

    assertThat(when.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(when.err()).contains("a duration ago such as PT2H, was yesterday");
    assertThat(idsAndCriteria.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(idsAndCriteria.err()).contains("criteria select with --all");
    assertThat(limit.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(limit.err()).contains("limit must be between 1 and 1000, was 1001");
    assertThat(seed.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"))
        .isEqualTo(2);
  }

  @Test
  void hostileQueueNamesIdsAndOperatorsAreRefusedWithTheRule() {
    Cli.Result queue = Cli.on(db).run("failed", "list", "--queue", "error'; DROP TABLE x;--");
    Cli.Result id = Cli.on(db).run("failed", "show", "m-1\u001b[2J");
    Cli.Result longId = Cli.on(db).run("failed", "retry", "x".repeat(201));
    Cli.Result by = Cli.on(db).run("failed", "discard", "m-1", "--by", "bob\nmallory");

    assertThat(queue.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(queue.err()).contains("--queue must be 1 to 200 characters of A-Z");
    assertThat(id.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(id.err()).contains("must not contain control characters", "m-1\\u001b[2J");
    assertThat(id.err()).doesNotContain("\u001b");
    assertThat(longId.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(longId.err()).contains("1 to 200 characters, was 201");
    assertThat(by.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(seed.count("SELECT count(*) FROM pump.discarded_message")).isZero();
  }

  @Test
  void aHostileBodyOrErrorCannotDriveTheTerminal() {
    seed.failed(
        "error", "m-3", "billing", "\u001b]0;owned\u0007\u001b[2Jgone", "\u001b[31mred\u009b");

    Cli.Result list = Cli.on(db).run("failed", "list");
    Cli.Result show = Cli.on(db).run("failed", "show", "m-3");
    Cli.Result json = Cli.on(db).run("failed", "show", "m-3", "--json");

    for (Cli.Result result : new Cli.Result[] {list, show, json}) {
      assertThat(result.out()).doesNotContain("\u001b", "\u0007", "\u009b");
    }
    assertThat(show.out())
        .contains("\\u001b]0;owned\\u0007\\u001b[2Jgone", "\\u001b[31mred\\u009b");
    assertThat(json.json().get("exceptionMessage").asString())
        .isEqualTo("\u001b]0;owned\u0007\u001b[2Jgone");
  }

  @Test
  void longFieldsAreCutWithAnEllipsis() {
    seed.failed("error", "m-4", "billing", "x".repeat(500), "{}");

    Cli.Result list = Cli.on(db).run("failed", "list");

    assertThat(list.out()).contains("xxx\u2026").doesNotContain("x".repeat(70));
  }
}
