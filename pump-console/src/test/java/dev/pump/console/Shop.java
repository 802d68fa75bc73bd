package dev.pump.console;

import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A small system whose failures are real: endpoint {@code billing} on the PostgreSQL transport
 * charges orders and sends each one to {@code shipping}; while its card service is down, orders
 * named {@code bad-*} (and any naming a script) fail without retries into the error queue {@code
 * error}. A dispatcher relays the outbox.
 */
final class Shop implements AutoCloseable {
  /** An order to charge. */
  record Charge(String order, int cents) {}

  /** An order to ship. */
  record Ship(String order) {}

  final JdbcStorage storage;
  final PostgresTransport transport;
  final AtomicBoolean cardServiceDown = new AtomicBoolean(true);
  final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final Endpoint billing;
  private final OutboxDispatcher dispatcher;

  Shop(DataSource dataSource) {
    storage = JdbcStorage.builder().dataSource(dataSource).build();
    transport = PostgresTransport.builder().storage(storage).build();
    billing =
        Endpoint.builder()
            .name("billing")
            .transport(transport)
            .storage(storage)
            .concurrency(2)
            .recoverability(Recoverability.noRetries())
            .receiveWait(Duration.ofMillis(100))
            .handler(
                Charge.class,
                (charge, context) -> {
                  if (cardServiceDown.get()
                      && (charge.order().startsWith("bad-") || charge.order().contains("<"))) {
                    throw new IllegalStateException(
                        "the card service refused order " + charge.order());
                  }
                  context.send("shipping", new Ship(charge.order()));
                  handled.add(context.messageId());
                })
            .build();
    dispatcher =
        OutboxDispatcher.builder()
            .storage(storage)
            .transport(transport)
            .pollInterval(Duration.ofMillis(100))
            .build();
    billing.start();
    dispatcher.start();
  }

  /** Sends order {@code order} to billing as message {@code id}, with {@code headers} added. */
  void charge(String id, String order, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(Headers.CONTENT_TYPE, "application/json");
    all.put(Headers.ENCLOSED_TYPES, Charge.class.getName());
    String json = "{\"order\":" + jsonString(order) + ",\"cents\":1250}";
    transport.send(
        "billing", List.of(OutgoingMessage.of(id, all, json.getBytes(StandardCharsets.UTF_8))));
  }

  long count(String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    billing.stop(Duration.ofSeconds(10));
    dispatcher.stop(Duration.ofSeconds(10));
    transport.close();
  }

  private static String jsonString(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> json.append(c);
      }
    }
    return json.append('"').toString();
  }
}
