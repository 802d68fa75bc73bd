package dev.pump.core.internal.recoverability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Headers;
import org.junit.jupiter.api.Test;

class StackTraceTruncationTest {
  private static Throwable deep(int depth) {
    return depth == 0
        ? new IllegalStateException("bottom")
        : new RuntimeException("level " + depth, deep(depth - 1));
  }

  @Test
  void aHugeStackTraceIsCutToTheLimitAndSaysSo() {
    String trace = RecoveryActions.stackTrace(deep(500));

    assertThat(trace).hasSize(Headers.MAX_STACK_TRACE_CHARS).endsWith("(truncated)");
    assertThat(trace).startsWith("java.lang.RuntimeException: level 500");
  }

  @Test
  void aShortStackTraceIsKeptWhole() {
    String trace = RecoveryActions.stackTrace(new IllegalStateException("short"));

    assertThat(trace)
        .startsWith("java.lang.IllegalStateException: short")
        .doesNotContain("truncated");
  }
}
