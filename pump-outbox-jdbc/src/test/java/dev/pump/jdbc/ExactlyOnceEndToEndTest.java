package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.testing.TestMessages.OrderEvent;
import dev.pump.core.testing.TestMessages.OrderPlaced;
import dev.pump.core.testing.TestMessages.PlaceOrder;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole path on PostgreSQL: a command arrives in a PostgreSQL queue, its handler stores an
 * order and publishes an event in one transaction; the dispatcher relays the outbox; two
 * subscribers each record the event once. Every message is then delivered a second time with the
 * same id, and the business tables do not change.
 */
@ExtendWith(PostgresExtension.class)
class ExactlyOnceEndToEndTest {
  private static final Logger log = LoggerFactory.getLogger(ExactlyOnceEndToEndTest.class);
  private static final int ORDERS = 300;

  static JdbcStorage storage;
  static PostgresTransport transport;
  final List<AutoCloseable> running = new ArrayList<>();

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
    storage
        .jdbi()
        .useHandle(h -> {
          h.execute("CREATE TABLE orders (order_id text NOT NULL)");
          h.execute("CREATE TABLE charge (order_id text NOT NULL)");
          h.execute("CREATE TABLE shipment (order_id text NOT NULL)");
        });
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : running.reversed()) {
      closeable.close();
    }
  }

  @Test
  void duplicatesOfEveryMessageChangeNothingInTheBusinessTables() {
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder().storage(storage).transport(transport).build();
    Endpoint orders =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .storage(storage)
            .concurrency(8)
            .recoverability(Recoverability.builder().delayedRetries(0).build())
            .handler(
                PlaceOrder.class,
                (command, context) -> {
                  JdbcContext.handle(context)
                      .execute("INSERT INTO orders VALUES (?)", command.orderId());
                  context.publish(new OrderPlaced(command.orderId()));
                })
            .build();
    Endpoint billing =
        Endpoint.builder()
            .name("billing")
            .transport(transport)
            .storage(storage)
            .concurrency(4)
            .handler(
                OrderPlaced.class,
                (event, context) ->
                    JdbcContext.handle(context)
                        .execute("INSERT INTO charge VALUES (?)", event.orderId()))
            .build();
    Endpoint shipping =
        Endpoint.builder()
            .name("shipping")
            .transport(transport)
            .storage(storage)
            .concurrency(4)
            // subscribes to the interface: receives every implementation
            .handler(
                OrderEvent.class,
                (event, context) ->
                    JdbcContext.handle(context)
                        .execute("INSERT INTO shipment VALUES (?)", event.orderId()))
            .build();
    Endpoint web = Endpoint.builder().name("web").transport(transport).build();
    for (AutoCloseable c : List.of(orders, billing, shipping, dispatcher)) {
      running.add(c);
    }
    billing.start();
    shipping.start();
    orders.start();
    dispatcher.start();

    long started = System.nanoTime();
    for (int i = 0; i < ORDERS; i++) {
      String id = "order-" + i;
      // the same command twice, with the same message id: a client retrying its request
      for (int copy = 0; copy < 2; copy++) {
        storage.inTransaction(
            web,
            (handle, sender) -> {
              sender.send(
                  "orders", new PlaceOrder(id), SendOptions.builder().messageId(id).build());
              return null;
            });
      }
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() ->
            count("SELECT count(*) FROM shipment") >= ORDERS
                && count("SELECT count(*) FROM charge") >= ORDERS);
    double seconds = (System.nanoTime() - started) / 1e9;
    log.info(
        "{} orders (each sent twice) handled by 3 endpoints in {} s: {} handled messages/s",
        ORDERS,
        String.format("%.2f", seconds),
        String.format("%.0f", 3 * ORDERS / seconds));
    await().until(() -> storage.operations().duplicatesSkipped() >= ORDERS && queueDepth() == 0);

    // every committed outbox row once more: commands and events go out again with their ids
    long copies =
        count("SELECT count(*) FROM pump.outbox WHERE kind = 'send'")
            + 2 * count("SELECT count(*) FROM pump.outbox WHERE kind = 'publish'");
    storage
        .jdbi()
        .useHandle(h -> h.execute("UPDATE pump.outbox SET dispatched_at = NULL, due_at = now()"));
    dispatcher.wake();
    await().until(() -> pending() == 0 && queueDepth() == 0);
    await().until(() -> storage.operations().duplicatesSkipped() >= ORDERS + copies);

    assertThat(count("SELECT count(*) FROM orders")).isEqualTo(ORDERS);
    assertThat(count("SELECT count(DISTINCT order_id) FROM orders")).isEqualTo(ORDERS);
    assertThat(count("SELECT count(*) FROM charge")).isEqualTo(ORDERS);
    assertThat(count("SELECT count(*) FROM shipment")).isEqualTo(ORDERS);
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = 'orders'"))
        .isEqualTo(ORDERS);
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = 'billing'"))
        .isEqualTo(ORDERS);
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = 'shipping'"))
        .isEqualTo(ORDERS);
    assertThat(count("SELECT sum(duplicates) FROM pump.inbox")).isEqualTo(ORDERS + copies);
    assertThat(count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'")).isZero();
  }

  private static long pending() {
    return count(
        "SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL");
  }

  private static long queueDepth() {
    return count("SELECT count(*) FROM pump.queue_message");
  }

  private static long count(String sql) {
    Long value = storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    return value == null ? 0 : value;
  }
}
