package dev.pump.jdbc;

import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.SendOptions;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;

/**
 * The order flow of the brokers' end-to-end tests (RabbitMQ's, Kafka's): PostgreSQL holds the
 * business tables, the inbox and the outbox; the broker's transport carries every message; one
 * {@link OutboxDispatcher} relays the outbox to it. Shared through this module's test-jar.
 *
 * <pre>
 * session (web) ──PlaceOrder──► orders:   INSERT orders, publish OrderPlaced
 *                               billing:  subscribes to OrderPlaced, INSERT charge
 *                               shipping: subscribes to OrderEvent (the interface), INSERT shipment
 * </pre>
 *
 * Every endpoint has the {@link JdbcStorage}, so each handler's rows, its inbox row and what it
 * sent commit in one transaction.
 */
public final class OrderFlow implements AutoCloseable {
  /** The command. */
  public record PlaceOrder(String orderId) {}

  /** The event family: a subscriber to it receives every implementation. */
  public interface OrderEvent {
    String orderId();
  }

  /** The event. */
  public record OrderPlaced(String orderId) implements OrderEvent {}

  /** Where each endpoint receives; unique per run so runs on one broker do not mix. */
  public record Queues(String orders, String billing, String shipping, String error) {}

  private final JdbcStorage storage;
  private final Queues queues;
  private final Endpoint orders;
  private final Endpoint billing;
  private final Endpoint shipping;
  private final Endpoint web;
  private final OutboxDispatcher dispatcher;

  /**
   * Builds the flow, not started.
   *
   * @param concurrency each endpoint's; the transport's prefetch should equal it
   * @param recoverability every endpoint's
   * @param billingFailsFirstRound orders whose charge fails every attempt until a delayed retry
   * @param dispatcherSettings adjusts the dispatcher's builder (storage and transport are set)
   */
  public OrderFlow(
      JdbcStorage storage,
      Transport transport,
      Queues queues,
      int concurrency,
      Recoverability recoverability,
      Predicate<String> billingFailsFirstRound,
      UnaryOperator<OutboxDispatcher.Builder> dispatcherSettings) {
    this.storage = storage;
    this.queues = queues;
    this.orders =
        endpoint("orders", queues.orders(), transport, concurrency, recoverability)
            .handler(
                PlaceOrder.class,
                (command, context) -> {
                  JdbcContext.handle(context)
                      .execute("INSERT INTO orders (order_id) VALUES (?)", command.orderId());
                  context.publish(new OrderPlaced(command.orderId()));
                })
            .build();
    this.billing =
        endpoint("billing", queues.billing(), transport, concurrency, recoverability)
            .handler(
                OrderPlaced.class,
                (event, context) -> {
                  int round =
                      Integer.parseInt(
                          context.headers().getOrDefault(Headers.DELAYED_RETRIES, "0"));
                  if (round == 0 && billingFailsFirstRound.test(event.orderId())) {
                    throw new IllegalStateException(
                        "charging " + event.orderId() + " fails until a delayed retry");
                  }
                  JdbcContext.handle(context)
                      .execute(
                          "INSERT INTO charge (order_id, delayed_round) VALUES (?, ?)",
                          event.orderId(),
                          round);
                })
            .build();
    this.shipping =
        endpoint("shipping", queues.shipping(), transport, concurrency, recoverability)
            .handler(
                OrderEvent.class,
                (event, context) ->
                    JdbcContext.handle(context)
                        .execute("INSERT INTO shipment (order_id) VALUES (?)", event.orderId()))
            .build();
    // sends from outside any handler, through the transactional session; never started. It needs
    // the storage too: default recoverability has delayed retries, which a broker without delays
    // cannot delay
    this.web = Endpoint.builder().name("web").transport(transport).storage(storage).build();
    this.dispatcher =
        dispatcherSettings
            .apply(OutboxDispatcher.builder().storage(storage).transport(transport))
            .build();
  }

  private dev.pump.core.EndpointBuilder endpoint(
      String name,
      String queue,
      Transport transport,
      int concurrency,
      Recoverability recoverability) {
    return Endpoint.builder()
        .name(name)
        .inputQueue(queue)
        .transport(transport)
        .storage(storage)
        .concurrency(concurrency)
        // back on the broker soon after an outage, not after the default 30 s back-off cap
        .receiveBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
        .recoverability(recoverability);
  }

  /** Creates the business tables (no unique keys: a duplicate effect must show, not fail). */
  public static void createTables(Jdbi jdbi) {
    jdbi.useHandle(h -> {
      h.execute("CREATE TABLE orders (order_id text NOT NULL)");
      h.execute("CREATE TABLE charge (order_id text NOT NULL, delayed_round int NOT NULL)");
      h.execute("CREATE TABLE shipment (order_id text NOT NULL)");
    });
  }

  /**
   * Starts the subscribers first (they bind their topics; on Kafka they start at the topics' ends),
   * then orders and the dispatcher.
   */
  public void start() {
    billing.start();
    shipping.start();
    orders.start();
    dispatcher.start();
  }

  /**
   * Places an order through the transactional session: the command, with the order id as its
   * message id, is in the outbox once this returns. Called twice for one order, it is a client
   * retrying its request: two messages with one id.
   */
  public void placeOrder(String orderId) {
    storage.inTransaction(
        web,
        (handle, sender) -> {
          sender.send(
              queues.orders(),
              new PlaceOrder(orderId),
              SendOptions.builder().messageId(orderId).build());
          return null;
        });
  }

  /** The dispatcher, for its counters. */
  public OutboxDispatcher dispatcher() {
    return dispatcher;
  }

  /** Outbox rows neither dispatched nor parked, due or not. */
  public long pendingInOutbox() {
    return count(
        "SELECT count(*) FROM "
            + storage.schema().table("outbox")
            + " WHERE dispatched_at IS NULL AND parked_at IS NULL");
  }

  /** A single number from {@code sql}. */
  public long count(String sql) {
    Long value = storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    return value == null ? 0 : value;
  }

  /** Stops the endpoints (in-flight messages finish), then the dispatcher. */
  @Override
  public void close() {
    for (Endpoint endpoint : List.of(orders, billing, shipping)) {
      endpoint.stop(Duration.ofSeconds(10));
    }
    dispatcher.stop(Duration.ofSeconds(10));
  }
}
