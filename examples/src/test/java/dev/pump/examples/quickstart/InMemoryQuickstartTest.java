package dev.pump.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InMemoryQuickstartTest {
  @Test
  void theQuickstartShowsEveryPhaseAndEachBehavesAsItSays() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    InMemoryQuickstart.Summary summary =
        InMemoryQuickstart.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(summary.succeeded()).as(summary.toString()).isTrue();
    assertThat(summary.maxConcurrent()).isLessThanOrEqualTo(summary.concurrencyLimit());
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("1. Bounded concurrency")
        .contains("2. Retry then success")
        .contains("3. Poison message")
        .contains("4. Fix and retry")
        .contains("5. Graceful stop");
  }
}
