package dev.pump.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's example, as a newcomer runs it: no settings, so embedded PostgreSQL. */
class ShopExampleTest {
  @Test
  void theShopOnItsEmbeddedDefaultProvesExactlyOnceEffects() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    ShopSummary summary =
        ShopExample.run(
            ShopSettings.embedded(), new PrintStream(printed, true, StandardCharsets.UTF_8));

    String story = printed.toString(StandardCharsets.UTF_8);
    assertThat(summary.exactlyOnce()).as(summary.problems() + "\n" + story).isTrue();
    assertThat(summary.ordersPlaced()).isEqualTo(260);
    assertThat(summary.orders()).isEqualTo(260);
    assertThat(summary.charges()).isEqualTo(260);
    assertThat(summary.payments()).isEqualTo(260);
    assertThat(summary.shipments()).isEqualTo(260);
    // 20 client retries, and 10 events relayed again to two subscribers each
    assertThat(summary.duplicatesSkipped()).isGreaterThanOrEqualTo(40);
    // the flaky charge: 2 retries; the poison message: 5 retries, then parked
    assertThat(summary.retries()).isEqualTo(7);
    assertThat(summary.parked()).isEqualTo(1);
    assertThat(summary.retriedFromErrorQueue()).isEqualTo(1);
    assertThat(summary.maxConcurrent()).isBetween(1, summary.concurrencyLimit());
    assertThat(summary.transportOperations()).isLessThan(summary.messagesRelayed());
    assertThat(story)
        .contains("1. Rush hour")
        .contains("2. Duplicates")
        .contains("3. Transient failure")
        .contains("4. Poison message")
        .contains("retries-exhausted")
        .contains("5. Fix and retry")
        .contains("shipped once")
        .contains("6. Batching")
        .contains("7. Graceful stop")
        .contains("8. Stopped")
        .contains("Summary")
        .contains("Audit:")
        .contains("Exactly-once effects");
  }

  @Test
  void aSummaryWithADoubleEffectIsNotExactlyOnce() {
    ShopSummary twiceShipped =
        new ShopSummary(10, 2, 10, 10, 10, 10, 10, 0, 11, 10, 4, 4, 0, 1, 1, 40, 10, 4, 4, 0, 0);

    assertThat(twiceShipped.exactlyOnce()).isFalse();
    assertThat(twiceShipped.problems()).containsExactly("shipments: 11, expected 10");
  }
}
