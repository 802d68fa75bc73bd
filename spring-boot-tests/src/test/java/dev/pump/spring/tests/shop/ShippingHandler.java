package dev.pump.spring.tests.shop;

import dev.pump.core.Context;
import dev.pump.core.Handler;
import dev.pump.jdbc.JdbcContext;
import dev.pump.spring.tests.shop.Messages.OrderPlaced;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Ships placed orders through a JPA repository and audits through JdbcTemplate, in the message's
 * transaction; an order whose id starts with "poison" fails after its writes.
 */
@Component
public class ShippingHandler implements Handler<OrderPlaced> {
  private final ShipmentRepository shipments;
  private final JdbcTemplate jdbc;
  private final Map<String, Long[]> transactions = new ConcurrentHashMap<>();

  ShippingHandler(ShipmentRepository shipments, JdbcTemplate jdbc) {
    this.shipments = shipments;
    this.jdbc = jdbc;
  }

  @Override
  public void handle(OrderPlaced placed, Context context) {
    shipments.save(new ShipmentEntity(placed.orderId()));
    Long springTx = jdbc.queryForObject("SELECT txid_current()", Long.class);
    Long pumpTx =
        JdbcContext.handle(context).createQuery("SELECT txid_current()").mapTo(Long.class).one();
    jdbc.update(
        "INSERT INTO audit (entry, txid) VALUES (?, txid_current())",
        "shipped " + placed.orderId());
    context.send("invoicing", new Invoice(placed.orderId()));
    transactions.put(placed.orderId(), new Long[] {springTx, pumpTx});
    if (placed.orderId().startsWith("poison")) {
      throw new IllegalStateException("cannot ship " + placed.orderId());
    }
  }

  /** The transaction ids JdbcTemplate and Pump's handle saw for {@code orderId}, if handled. */
  public Long[] transactionsOf(String orderId) {
    return transactions.get(orderId);
  }

  /** A command the handler sends. */
  public record Invoice(String orderId) {}
}
