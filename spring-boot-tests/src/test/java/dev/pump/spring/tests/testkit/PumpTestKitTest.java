package dev.pump.spring.tests.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.spring.tests.shop.Messages.ChargeCard;
import dev.pump.spring.tests.shop.Messages.OrderPlaced;
import dev.pump.spring.tests.shop.OrderService;
import dev.pump.spring.tests.shop.ShippingHandler;
import dev.pump.spring.tests.shop.ShippingHandler.Invoice;
import dev.pump.spring.tests.shop.ShopApplication;
import dev.pump.test.TestPump;
import dev.pump.test.spring.AutoConfigurePumpTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The test kit under Spring Boot: the application's own endpoints and handler beans run on a fresh
 * database, the test waits until the flow is idle, reads what went where, and moves a delayed retry
 * with the kit's clock.
 */
@SpringBootTest(
    classes = ShopApplication.class,
    properties = {
      "spring.jpa.hibernate.ddl-auto=create",
      "pump.endpoints.shop.immediate-retries=0",
      "pump.endpoints.shop.delayed-retries=1",
      "pump.endpoints.shop.delayed-retry-increment=1h",
      "pump.endpoints.shop.routes[shop.ChargeCard]=billing",
      "pump.shutdown-grace=5s"
    })
@AutoConfigurePumpTest
class PumpTestKitTest {
  @Autowired OrderService orders;
  @Autowired ShippingHandler shipping;

  @Test
  void anOrderPlacedInATransactionIsShippedAndItsMessagesGoWhereTheyShould(TestPump pump) {
    orders.place("kit-1", 100, false);
    pump.awaitIdle();

    assertThat(shipping.transactionsOf("kit-1")).isNotNull();
    assertThat(pump.published(OrderPlaced.class)).containsExactly(new OrderPlaced("kit-1", 100));
    assertThat(pump.sent("billing", ChargeCard.class))
        .containsExactly(new ChargeCard("kit-1", 100));
    assertThat(pump.sent("invoicing", Invoice.class)).containsExactly(new Invoice("kit-1"));
    assertThat(pump.errorQueue()).isEmpty();
  }

  @Test
  void aPoisonOrderIsRetriedLaterByTheClockThenReportedWithItsErrorQueueReason(TestPump pump) {
    long began = System.nanoTime();
    orders.place("poison-kit", 1, false);

    assertThat(pump.awaitFailures())
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo(TestPump.Failure.DELAYED_RETRY));

    pump.clock().advance(Duration.ofHours(1));
    assertThatThrownBy(pump::awaitIdle)
        .hasMessageContaining("reason retries-exhausted")
        .hasMessageContaining("cannot ship poison-kit");
    assertThat(pump.errorQueue())
        .singleElement()
        .satisfies(failed -> {
          assertThat(failed.reason()).isEqualTo("retries-exhausted");
          assertThat(failed.exceptionMessage()).isEqualTo("cannot ship poison-kit");
        });
    assertThat(pump.outbox()).isNotEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMinutes(1));
  }
}
