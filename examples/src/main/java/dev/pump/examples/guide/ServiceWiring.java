package dev.pump.examples.guide;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.core.Service;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Transport;
import dev.pump.examples.guide.GuideMessages.CheckPayment;
import dev.pump.examples.guide.GuideMessages.OrderPriced;
import dev.pump.examples.guide.GuideMessages.PriceOrder;
import dev.pump.jdbc.JdbcContext;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.RetentionCleaner;
import dev.pump.migrations.PumpMigrations;
import java.time.Duration;
import javax.sql.DataSource;

/** How a service wires Pump: pool, storage, dispatcher, sessions, migrations, re-driving. */
public final class ServiceWiring {
  private ServiceWiring() {}

  /** A pool sized for the PostgreSQL transport. */
  public static HikariDataSource pool(String jdbcUrl, String user, String password) {
    // docs:pool
    int concurrency = 16; // messages in flight, summed over the endpoints of this process
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    // PostgreSQL transport: one connection per in-flight message, plus the dispatcher's cycle,
    // plus your own requests' transactions. LISTEN connections are opened outside the pool.
    config.setMaximumPoolSize(concurrency + 1 + 8);
    HikariDataSource pool = new HikariDataSource(config);
    // docs:end
    return pool;
  }

  /** One service: its parts started and stopped in order by one object. */
  public static Service service(
      JdbcStorage storage,
      Transport transport,
      OutboxDispatcher dispatcher,
      RetentionCleaner cleaner,
      Endpoint billing,
      Endpoint shipping,
      Endpoint orders) {
    // docs:service
    Service service =
        Service.builder()
            .resources(storage, transport) // started first, closed last
            .workers(dispatcher, cleaner) // started before the endpoints, stopped after them
            .endpoints(billing, shipping, orders) // subscribers first, then publishers
            .build();
    service.start();
    // ...
    service.stop(Duration.ofSeconds(30)); // one grace for the whole service
    // docs:end
    return service;
  }

  /** A process that only relays the outbox: the endpoints run elsewhere. */
  public static OutboxDispatcher dispatcherAlone(DataSource pool, Transport transport) {
    // docs:dispatcher-alone
    JdbcStorage storage = JdbcStorage.builder().dataSource(pool).migrate(false).build();
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder()
            .storage(storage)
            .transport(transport)
            .maxBatchMessages(100) // the defaults: 100 messages or 256 KiB per transport call
            .maxBatchBytes(256 * 1024)
            .build();
    dispatcher.start(); // wakes on NOTIFY from the services' commits, polls every second
    // docs:end
    return dispatcher;
  }

  /** The transactional session: business rows and messages in the request's one transaction. */
  public static String placeOrder(JdbcStorage storage, Endpoint web, PriceOrder order) {
    // docs:web-session
    return storage.inTransaction(
        web,
        (handle, sender) -> {
          handle.execute("INSERT INTO orders (id, status) VALUES (?, 'new')", order.orderId());
          sender.send(order, SendOptions.builder().messageId("price-" + order.orderId()).build());
          return order.orderId(); // committed: the row and the message; thrown: neither
        });
    // docs:end
  }

  /** Pub/sub and delayed sends from a handler. */
  public static Endpoint billing(Transport transport, JdbcStorage storage) {
    // docs:pubsub-delayed
    return Endpoint.builder()
        .name("billing")
        .transport(transport)
        .storage(storage) // holds delayed messages in the outbox until due, on any transport
        .handler(
            OrderPriced.class, // subscribes the input queue to OrderPriced's topic at start
            (priced, context) -> {
              context.send(
                  "billing",
                  new CheckPayment(priced.orderId()),
                  SendOptions.delayedBy(Duration.ofHours(24)));
            })
        .build();
    // docs:end
  }

  /** An endpoint that handles what waits in batches, one transaction per batch. */
  public static Endpoint batched(Transport transport, JdbcStorage storage) {
    // docs:batches
    Endpoint orders =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .storage(storage)
            .concurrency(64) // messages in flight: a batch of N holds N of them
            .messagesPerTransaction(32) // the most in one transaction; 1 turns batching off
            .batchFillWait(Duration.ZERO) // the default: take what waits, hold nothing back
            .handler(
                PriceOrder.class,
                (order, context) ->
                    JdbcContext.handle(context) // the batch's transaction, this message's savepoint
                        .execute(
                            "UPDATE orders SET status = 'priced' WHERE id = ?", order.orderId()))
            .build();
    // docs:end
    return orders;
  }

  /** Retries: immediate, delayed, then the error queue. */
  public static Recoverability recoverability() {
    // docs:recoverability
    return Recoverability.builder()
        .immediateRetries(5) // in place, at once: for a deadlock or a dropped connection
        .delayedRetries(3) // after 10 s, 20 s, 30 s: for a service that is briefly down
        .delayedRetryIncrement(Duration.ofSeconds(10))
        .unrecoverable(IllegalArgumentException.class) // bad data: no retry can fix it
        .errorQueue("error")
        .build();
    // docs:end
  }

  /** Applying Pump's schema from a deployment step instead of at start. */
  public static PumpMigrations.Report migrate(DataSource dataSource) {
    // docs:migrate
    PumpMigrations.Report report = PumpMigrations.migrate(dataSource, "pump"); // idempotent
    // and in the services: JdbcStorage.builder().dataSource(pool).migrate(false).build()
    // docs:end
    return report;
  }
}
