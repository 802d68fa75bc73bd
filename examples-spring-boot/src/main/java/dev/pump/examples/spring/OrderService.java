package dev.pump.examples.spring;

import dev.pump.examples.spring.Messages.OrderPlaced;
import dev.pump.spring.PumpSender;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders: one {@code @Transactional} method stores the order through JPA, books the
 * customer's credit through a {@link JdbcTemplate} and publishes {@link OrderPlaced} through Pump.
 * The three commit together, or nothing does: a customer over their credit limit fails the booking
 * (a CHECK constraint), and the order and its event are rolled back with it.
 */
@Service
class OrderService {
  private final OrderRepository orders;
  private final JdbcTemplate jdbc;
  private final PumpSender pump;

  OrderService(OrderRepository orders, JdbcTemplate jdbc, PumpSender pump) {
    this.orders = orders;
    this.jdbc = jdbc;
    this.pump = pump;
  }

  /**
   * Places the order.
   *
   * @return false if an order with this id exists already (a client's retry): nothing happens
   * @throws org.springframework.dao.DataIntegrityViolationException if the customer's credit does
   *     not cover it: nothing is stored and nothing is sent
   */
  @Transactional
  public boolean place(String orderId, String customer, long amountCents) {
    if (orders.existsById(orderId)) {
      return false;
    }
    orders.save(new ShopOrder(orderId, customer, amountCents, Instant.now()));
    pump.publish(new OrderPlaced(orderId, customer, amountCents));
    jdbc.update(
        "UPDATE customer SET booked_cents = booked_cents + ? WHERE name = ?",
        amountCents,
        customer);
    return true;
  }
}
