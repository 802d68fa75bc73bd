package dev.pump.examples.readme;

import dev.pump.core.Endpoint;
import dev.pump.core.Service;
import dev.pump.jdbc.JdbcContext;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.jdbc.RetentionCleaner;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The README's embedding example, compiled here so it cannot drift: the region between the {@code
 * docs:} markers is what the README shows (DocsSnippetsTest compares them).
 */
public final class EmbeddingExample {
  /** A command: place an order. */
  public record PlaceOrder(String id, long total) {}

  /** A command to billing: charge the card. */
  public record ChargeCard(String orderId, long amount) {}

  private EmbeddingExample() {}

  /** Starts an orders service on {@code jdbcUrl} and stops it again. */
  public static void run(String jdbcUrl, String user, String password) {
    // docs:readme-embedding
    DataSource pool = PumpDataSources.pooled(jdbcUrl, user, password, 20); // or your own pool
    JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build(); // migrates schema "pump"
    PostgresTransport transport = PostgresTransport.builder().storage(storage).build();
    Endpoint orders =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .storage(storage) // inbox + outbox in each message's transaction
            .route(ChargeCard.class, "billing")
            .handler(
                PlaceOrder.class,
                (order, context) -> {
                  JdbcContext.handle(context) // the business write, in the same transaction
                      .execute(
                          "INSERT INTO orders (id, total) VALUES (?, ?)",
                          order.id(),
                          order.total());
                  context.send(new ChargeCard(order.id(), order.total())); // an outbox row, too
                })
            .build();
    Service service =
        Service.builder()
            .resources(storage, transport) // closed last
            .workers(
                OutboxDispatcher.builder().storage(storage).transport(transport).build(),
                RetentionCleaner.builder().storage(storage).build()) // purges after 7 days
            .endpoints(orders)
            .build();
    service.start(); // the dispatcher relays committed outbox rows, batched per destination
    // ... until shutdown:
    service.stop(Duration.ofSeconds(30)); // in-flight messages finish; the rest stay queued
    // docs:end
  }
}
