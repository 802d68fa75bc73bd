package dev.pump.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.kafka.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shop with {@code --kafka}: the same story on Kafka, against the tests' broker (in process, or
 * {@code PUMP_KAFKA_BOOTSTRAP}), with exactly-once effects.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShopKafkaTest {
  @Test
  void theShopOnKafkaProvesExactlyOnceEffects() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    ShopSummary summary =
        ShopExample.run(
            ShopSettings.embedded().withKafka(KafkaBroker.bootstrapServers()),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    String story = printed.toString(StandardCharsets.UTF_8);
    assertThat(summary.exactlyOnce()).as(summary.problems() + "\n" + story).isTrue();
    assertThat(summary.orders()).isEqualTo(summary.ordersPlaced());
    assertThat(summary.charges()).isEqualTo(summary.ordersPlaced());
    assertThat(summary.shipments()).isEqualTo(summary.ordersPlaced());
    assertThat(summary.parked()).isEqualTo(1);
    assertThat(summary.retriedFromErrorQueue()).isEqualTo(1);
    assertThat(story).contains("messages through Kafka").contains("8. Stopped");
  }
}
