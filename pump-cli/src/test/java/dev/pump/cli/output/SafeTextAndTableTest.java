package dev.pump.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What reaches the terminal from message data. */
class SafeTextAndTableTest {
  @Test
  void controlAndInvisibleCharactersAreEscaped() {
    assertThat(SafeText.inline("a\u001b[2Jb\tc\nd\u009be\u202ef\u200bg"))
        .isEqualTo("a\\u001b[2Jb\\tc\\nd\\u009be\\u202ef\\u200bg");
    assertThat(SafeText.lines("at x\n\tat y\r")).isEqualTo("at x\n\tat y\\r");
    assertThat(SafeText.inline("plain ü 漢字 😀")).isEqualTo("plain ü 漢字 😀");
    assertThat(SafeText.inline(null)).isEmpty();
  }

  @Test
  void aTableAlignsColumnsAndCutsLongCells() {
    StringWriter text = new StringWriter();
    Table table = new Table(new PrintWriter(text), "\u2026").column("NAME", 6).right("N", 3);
    table.row("short", 1).row("much too long", 100).row(null, null);
    table.print();

    assertThat(text.toString()).isEqualTo("NAME      N\nshort     1\nmuch \u2026  100\n\n");
  }
}
