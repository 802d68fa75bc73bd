package dev.pump.examples.shop;

import dev.pump.core.Endpoint;
import dev.pump.core.Service;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.JdbcContext;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.RetentionCleaner;
import java.time.Duration;
import org.jdbi.v3.core.Handle;

/**
 * One instance of the shop: three endpoints and the dispatcher that relays their outbox, as one
 * service process would run them.
 *
 * <pre>
 * web ──PlaceOrder──► orders:   INSERT order, publish OrderPlaced
 *                     billing:  on OrderPlaced, INSERT charge, reply ChargeCompleted ──► orders
 *                     shipping: on OrderPlaced, INSERT shipment (if the city has a delivery zone)
 *                     orders:   on ChargeCompleted, count the payment
 * </pre>
 *
 * Every endpoint has the {@link JdbcStorage}: each message's business rows, its inbox row and what
 * its handler sent commit in one transaction. The handlers are plain blocking code on virtual
 * threads; the calls to {@link Observations} only let the example tell its story.
 */
final class Shop implements AutoCloseable {
  /** Messages each endpoint handles at once; on PostgreSQL each holds a pooled connection. */
  static final int CONCURRENCY = 4;

  /** The order whose charge times out twice before the payment gateway answers. */
  static final String FLAKY_CHARGE = "order-0013";

  private final Endpoint orders;
  private final Endpoint billing;
  private final Endpoint shipping;
  private final OutboxDispatcher dispatcher;
  private final Service service;

  Shop(JdbcStorage storage, Transport transport, Observations seen) {
    this(storage, transport, seen, Telemetry.NONE);
  }

  /** The shop with {@code telemetry} on its endpoints and dispatcher, e.g. Pump's metrics. */
  Shop(JdbcStorage storage, Transport transport, Observations seen, Telemetry telemetry) {
    Recoverability recoverability =
        Recoverability.builder()
            .immediateRetries(2)
            .delayedRetries(1)
            .delayedRetryIncrement(Duration.ofMillis(500))
            .build();
    this.orders =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .storage(storage)
            .concurrency(CONCURRENCY)
            .recoverability(recoverability)
            .telemetry(telemetry)
            .handler(
                PlaceOrder.class,
                (order, context) -> {
                  Observations.Busy busy = seen.placing();
                  try {
                    Thread.sleep(20); // stands for a call to the pricing service
                    JdbcContext.handle(context)
                        .execute(
                            "INSERT INTO shop.orders (order_id, customer, city, amount_cents)"
                                + " VALUES (?, ?, ?, ?)",
                            order.orderId(),
                            order.customer(),
                            order.city(),
                            order.amountCents());
                  } finally {
                    busy.done();
                  }
                  context.publish(
                      new OrderPlaced(order.orderId(), order.city(), order.amountCents()));
                })
            .handler(
                ChargeCompleted.class,
                (charged, context) ->
                    JdbcContext.handle(context)
                        .execute(
                            "UPDATE shop.orders SET payments = payments + 1 WHERE order_id = ?",
                            charged.orderId()))
            .build();
    this.billing =
        Endpoint.builder()
            .name("billing")
            .transport(transport)
            .storage(storage)
            .concurrency(CONCURRENCY)
            .recoverability(recoverability)
            .telemetry(telemetry)
            .handler(
                OrderPlaced.class,
                (placed, context) -> {
                  if (placed.orderId().equals(FLAKY_CHARGE) && seen.chargeAttempt() < 3) {
                    throw new IllegalStateException("payment gateway timed out");
                  }
                  JdbcContext.handle(context)
                      .execute(
                          "INSERT INTO shop.charge (order_id, amount_cents) VALUES (?, ?)",
                          placed.orderId(),
                          placed.amountCents());
                  context.reply(new ChargeCompleted(placed.orderId(), placed.amountCents()));
                })
            .build();
    this.shipping =
        Endpoint.builder()
            .name("shipping")
            .transport(transport)
            .storage(storage)
            .concurrency(CONCURRENCY)
            .recoverability(recoverability)
            .telemetry(telemetry)
            .handler(
                OrderPlaced.class,
                (placed, context) -> {
                  Handle db = JdbcContext.handle(context);
                  boolean delivered =
                      db.createQuery("SELECT count(*) FROM shop.delivery_zone WHERE city = ?")
                              .bind(0, placed.city())
                              .mapTo(Integer.class)
                              .one()
                          > 0;
                  if (!delivered) {
                    seen.shippingFailed(context.messageId());
                    throw new IllegalStateException("no delivery zone for " + placed.city());
                  }
                  db.execute(
                      "INSERT INTO shop.shipment (order_id, city) VALUES (?, ?)",
                      placed.orderId(),
                      placed.city());
                })
            .build();
    this.dispatcher =
        OutboxDispatcher.builder()
            .storage(storage)
            .transport(transport)
            .telemetry(telemetry)
            .build();
    // the storage and transport outlive this instance (a second one runs on them), so they are
    // not the service's resources
    this.service =
        Service.builder()
            .workers(dispatcher, RetentionCleaner.builder().storage(storage).build())
            .endpoints(billing, shipping, orders) // subscribers first
            .build();
  }

  /** Starts the dispatcher and the cleaner, then the subscribers, then the publisher. */
  void start() {
    service.start();
  }

  Endpoint shipping() {
    return shipping;
  }

  OutboxDispatcher dispatcher() {
    return dispatcher;
  }

  /**
   * Stops gracefully: the endpoints stop receiving, let their in-flight messages finish and commit,
   * and leave the rest in their queues; then the dispatcher relays what they sent.
   */
  @Override
  public void close() {
    service.stop(Duration.ofSeconds(10));
  }
}
