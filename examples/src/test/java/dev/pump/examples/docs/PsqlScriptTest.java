package dev.pump.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.examples.docs.PsqlScript.Statement;
import org.junit.jupiter.api.Test;

/** The docs test reads SQL as psql does: what it accepts, substitutes and refuses. */
class PsqlScriptTest {
  @Test
  void variablesSetInAnEarlierBlockAreSubstitutedAsPsqlDoes() {
    PsqlScript script = new PsqlScript("page.md");
    PsqlScript.Read set =
        script.read(10, "\\set id 'order-''7'\n\\set table outbox\n\\set column 'my col'\n");

    PsqlScript.Read read =
        script.read(
            20,
            """
            SELECT :"column", x::text, ':id', $$ :id $$, $q$:id$q$ -- :id
            FROM :table /* :id */
            WHERE message_id = :'id' AND n = :table;
            """);

    assertThat(set.problems()).isEmpty();
    assertThat(set.statements()).isEmpty();
    assertThat(read.problems()).isEmpty();
    assertThat(read.statements())
        .containsExactly(
            new Statement(
                20,
                """
                SELECT "my col", x::text, ':id', $$ :id $$, $q$:id$q$\s
                FROM outbox /* :id */
                WHERE message_id = 'order-''7' AND n = outbox\
                """));
  }

  @Test
  void aValueWithABackslashBecomesAnEscapeStringLiteral() {
    assertThat(PsqlScript.literal("a\\b'c")).isEqualTo(" E'a\\\\b''c'");
    assertThat(PsqlScript.literal("plain")).isEqualTo("'plain'");
    assertThat(PsqlScript.identifier("a\"b")).isEqualTo("\"a\"\"b\"");
  }

  @Test
  void setJoinsItsValuesAndUnsetForgets() {
    PsqlScript script = new PsqlScript("page.md");
    script.read(1, "\\set range '2026-01-31 08:00' '+00'\n\\set gone 1\n\\unset gone\n");

    assertThat(script.variable("range")).isEqualTo("2026-01-31 08:00+00");
    assertThat(script.variable("gone")).isNull();
  }

  @Test
  void statementsSplitAtSemicolonsOutsideQuotesAndParenthesesWithTheirLines() {
    PsqlScript.Read read =
        new PsqlScript("page.md")
            .read(
                5,
                "SELECT ';';\n\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$\n"
                    + "LANGUAGE sql;\nSELECT (1;\n2);");

    assertThat(read.statements()).extracting(Statement::line).containsExactly(5, 7, 9);
    assertThat(read.statements().get(1).sql()).endsWith("LANGUAGE sql");
  }

  @Test
  void whatPsqlWouldNotSendAsWrittenIsAProblemWithThePageAndLine() {
    PsqlScript.Read read =
        new PsqlScript("docs/x.md")
            .read(40, "SELECT 1\nFROM t\nWHERE a = :'endpoint';\n\\x\nSELECT 'open");

    assertThat(read.problems())
        .containsExactly(
            "docs/x.md:42: psql variable :'endpoint' is not set by a \\set above it on the page",
            "docs/x.md:43: psql meta-command \\x is not run by the docs test",
            "docs/x.md:44: unterminated ' quote",
            "docs/x.md:44: statement does not end with ';' (psql would wait for more input):"
                + " SELECT 'open");
  }
}
