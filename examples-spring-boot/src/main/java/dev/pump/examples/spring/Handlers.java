package dev.pump.examples.spring;

import dev.pump.core.Context;
import dev.pump.core.Handler;
import dev.pump.examples.spring.Messages.ChargeCompleted;
import dev.pump.examples.spring.Messages.OrderPlaced;
import dev.pump.spring.PumpEndpoint;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The shop's handlers, plain beans. Each runs in a Spring transaction that also holds the message's
 * inbox and outbox rows: what it writes through a repository or a {@link JdbcTemplate}, and what it
 * replies, commit with the record that the message was handled.
 */
final class Handlers {
  private Handlers() {}

  /** billing: on {@link OrderPlaced}, store a charge and reply {@link ChargeCompleted}. */
  @Component
  @PumpEndpoint("billing")
  static final class ChargeOrder implements Handler<OrderPlaced> {
    private final ChargeRepository charges;

    ChargeOrder(ChargeRepository charges) {
      this.charges = charges;
    }

    @Override
    public void handle(OrderPlaced order, Context context) {
      charges.save(new Charge(order.orderId(), order.amountCents()));
      context.reply(new ChargeCompleted(order.orderId(), order.amountCents()));
    }
  }

  /** shipping: on {@link OrderPlaced}, book a shipment. */
  @Component
  @PumpEndpoint("shipping")
  static final class ShipOrder implements Handler<OrderPlaced> {
    private final JdbcTemplate jdbc;

    ShipOrder(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Override
    public void handle(OrderPlaced order, Context context) {
      jdbc.update("INSERT INTO shipment (order_id) VALUES (?)", order.orderId());
    }
  }

  /** orders: on {@link ChargeCompleted}, mark the order paid. */
  @Component
  @PumpEndpoint("orders")
  static final class MarkPaid implements Handler<ChargeCompleted> {
    private final OrderRepository orders;

    MarkPaid(OrderRepository orders) {
      this.orders = orders;
    }

    @Override
    public void handle(ChargeCompleted charge, Context context) {
      orders.findById(charge.orderId()).orElseThrow().markPaid();
    }
  }
}
