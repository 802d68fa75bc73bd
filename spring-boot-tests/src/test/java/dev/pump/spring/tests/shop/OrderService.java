package dev.pump.spring.tests.shop;

import dev.pump.spring.PumpSender;
import dev.pump.spring.tests.shop.Messages.ChargeCard;
import dev.pump.spring.tests.shop.Messages.OrderPlaced;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Writes through JPA and JdbcTemplate and sends through Pump, in Spring-managed transactions. */
@Service
public class OrderService {
  private final OrderRepository orders;
  private final JdbcTemplate jdbc;
  private final PumpSender pump;
  private final Ledger ledger;

  OrderService(OrderRepository orders, JdbcTemplate jdbc, PumpSender pump, Ledger ledger) {
    this.orders = orders;
    this.jdbc = jdbc;
    this.pump = pump;
    this.ledger = ledger;
  }

  /**
   * Stores the order (JPA), audits it (JdbcTemplate), publishes OrderPlaced and sends ChargeCard;
   * throws after all of it when {@code fail}.
   */
  @Transactional
  public void place(String orderId, long total, boolean fail) {
    orders.save(new OrderEntity(orderId, total));
    jdbc.update("INSERT INTO audit (entry, txid) VALUES (?, txid_current())", "placed " + orderId);
    pump.publish(new OrderPlaced(orderId, total));
    pump.send(new ChargeCard(orderId, total));
    if (fail) {
      throw new IllegalStateException("the order " + orderId + " fails after its writes");
    }
  }

  /**
   * Places the order, and has the ledger record it in a REQUIRES_NEW transaction of its own; then
   * fails when {@code fail}, which undoes the order and its messages but not the ledger's.
   */
  @Transactional
  public void placeWithLedger(String orderId, long total, boolean fail) {
    place(orderId, total, false);
    ledger.record(orderId);
    if (fail) {
      throw new IllegalStateException("the order " + orderId + " fails after the ledger");
    }
  }

  /** Publishes OrderPlaced for each order, in one transaction. */
  @Transactional
  public void publishAll(java.util.List<String> orderIds) {
    for (String orderId : orderIds) {
      pump.publish(new OrderPlaced(orderId, 1));
    }
  }

  /** Publishes without a transaction: PumpSender refuses. */
  public void publishWithoutTransaction(String orderId) {
    pump.publish(new OrderPlaced(orderId, 0));
  }

  /** Publishes in a read-only transaction: PumpSender refuses. */
  @Transactional(readOnly = true)
  public void publishReadOnly(String orderId) {
    pump.publish(new OrderPlaced(orderId, 0));
  }
}
