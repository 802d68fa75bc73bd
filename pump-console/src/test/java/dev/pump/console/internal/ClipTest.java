package dev.pump.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Message fields cut to a bound with the rest counted, and invisible characters made visible. */
class ClipTest {
  @Test
  void aLongFieldIsCutAndTheRestCounted() {
    Clip clip = Clip.of("a".repeat(150), 100);

    assertThat(clip.text()).hasSize(100);
    assertThat(clip.more()).isEqualTo(50);
    assertThat(Clip.of("short", 100)).isEqualTo(new Clip("short", 0));
    assertThat(Clip.of(null, 10)).isEqualTo(new Clip("", 0));
  }

  @Test
  void aCutNeverSplitsACharacterOutsideTheBasicPlane() {
    Clip clip = Clip.of("ab\uD83D\uDE00cd", 3);

    assertThat(clip.text()).isEqualTo("ab");
    assertThat(clip.more()).isEqualTo(4);
  }

  @Test
  void controlAndInvisibleFormattingCharactersAreShownAsEscapes() {
    assertThat(Clip.of("a\u001b[2Jb\u202Ec\u200Bd\ne", 100).text())
        .isEqualTo("a\\u001b[2Jb\\u202ec\\u200bd\\ne");
    assertThat(Clip.lines("at a\n\tat b\r", 100).text()).isEqualTo("at a\n\tat b\\r");
  }
}
