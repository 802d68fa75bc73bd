package dev.pump.examples.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.examples.testing.Checkout.CancelIfUnpaid;
import dev.pump.examples.testing.Checkout.OrderPlaced;
import dev.pump.examples.testing.Checkout.PlaceOrder;
import dev.pump.test.TestContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The testing guide's unit test: a handler run with a recording context, no database. */
class CheckoutHandlerTest {
  @Test
  void placingAnOrderPublishesItAndSetsAPaymentTimeout() throws Exception {
    // docs:testing-unit
    TestContext context = TestContext.builder().messageId("order-1").build();

    context.handle(Checkout.PLACE_ORDER, new PlaceOrder("o-1", 4200));

    assertThat(context.published())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).isEqualTo(new OrderPlaced("o-1", 4200)));
    assertThat(context.deferred())
        .singleElement()
        .satisfies(d -> {
          assertThat(d.destination()).contains("orders");
          assertThat(d.message()).isEqualTo(new CancelIfUnpaid("o-1"));
          assertThat(d.options().delay()).isEqualTo(Duration.ofHours(24));
        });
    // docs:end
  }
}
