package dev.pump.examples.testing;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.Handler;
import dev.pump.core.SendOptions;
import dev.pump.core.recoverability.Recoverability;
import java.time.Duration;

/**
 * The code the testing guide (docs/testing.md) tests: two endpoints, as an application would
 * declare them, without a transport or a storage (the test kit, or the service's wiring, adds
 * them).
 */
public final class Checkout {
  private Checkout() {}

  /** A command: place an order. */
  public record PlaceOrder(String orderId, long amountCents) {}

  /** An event: an order was placed. */
  public record OrderPlaced(String orderId, long amountCents) {}

  /** A command to the payment service. */
  public record ChargeCard(String orderId, long amountCents) {}

  /** A timeout: cancel the order if it is still unpaid. */
  public record CancelIfUnpaid(String orderId) {}

  // docs:testing-handler
  /** Publishes OrderPlaced, and sets a payment timeout a day later. */
  public static final Handler<PlaceOrder> PLACE_ORDER =
      (order, context) -> {
        context.publish(new OrderPlaced(order.orderId(), order.amountCents()));
        context.send(
            "orders",
            new CancelIfUnpaid(order.orderId()),
            SendOptions.delayedBy(Duration.ofHours(24)));
      };

  // docs:end

  /** The orders endpoint: places orders, and handles their payment timeouts. */
  public static EndpointBuilder orders(Handler<CancelIfUnpaid> cancelIfUnpaid) {
    return Endpoint.builder()
        .name("orders")
        .handler(PlaceOrder.class, PLACE_ORDER)
        .handler(CancelIfUnpaid.class, cancelIfUnpaid);
  }

  /** The billing endpoint: charges placed orders through the payment service. */
  public static EndpointBuilder billing() {
    return Endpoint.builder()
        .name("billing")
        .route(ChargeCard.class, "payments")
        .recoverability(
            Recoverability.builder()
                .immediateRetries(1)
                .delayedRetries(1)
                .delayedRetryIncrement(Duration.ofMinutes(10))
                .build())
        .handler(
            OrderPlaced.class,
            (placed, context) -> {
              if (placed.amountCents() <= 0) {
                throw new IllegalArgumentException("nothing to charge for " + placed.orderId());
              }
              context.send(new ChargeCard(placed.orderId(), placed.amountCents()));
            });
  }
}
