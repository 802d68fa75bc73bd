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
    assertThat(summary.reserved()).isEqualTo(30);
    // the limit was reached, and never exceeded
    assertThat(summary.maxConcurrent()).isEqualTo(summary.concurrencyLimit());
    assertThat(summary.chargeAttempts()).isEqualTo(3);
    // checked on the error queue itself
    assertThat(summary.poisonParked()).isTrue();
    // exactly one shipment of order 7, after the fix
    assertThat(summary.poisonShippedAfterFix()).isTrue();
    assertThat(summary.stoppedCleanly()).isTrue();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("1. Bounded concurrency")
        .contains("2. Retry then success")
        .contains("3. Poison message")
        .contains("4. Fix and retry")
        .contains("shipped once")
        .contains("5. Graceful stop");
  }
}
