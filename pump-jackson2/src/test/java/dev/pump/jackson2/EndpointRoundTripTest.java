package dev.pump.jackson2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.Headers;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.serialization.JsonSerializer;
import dev.pump.core.spi.Serializer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages through endpoints on the in-memory transport: an endpoint on Jackson 2 handles and
 * replies, and a service on Jackson 3 on the other side reads what it sent.
 */
class EndpointRoundTripTest {
  public record PlaceOrder(
      String orderId, BigDecimal total, Instant placedAt, List<String> lines) {}

  public record OrderPlaced(String orderId, Instant placedAt) {}

  private final InMemoryTransport transport = InMemoryTransport.create();
  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    endpoints.forEach(endpoint -> endpoint.stop(Duration.ofSeconds(2)));
    transport.close();
  }

  @Test
  void anEndpointOnJackson2HandlesAMessageAndRepliesToAnEndpointOnJackson3() {
    List<PlaceOrder> received = new CopyOnWriteArrayList<>();
    List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    List<OrderPlaced> replies = new CopyOnWriteArrayList<>();
    start(
        "orders",
        Jackson2Serializer.create(),
        Endpoint.builder()
            .handler(
                PlaceOrder.class,
                (order, context) -> {
                  received.add(order);
                  headers.add(context.headers());
                  context.reply(new OrderPlaced(order.orderId(), order.placedAt()));
                }));
    Endpoint web =
        start(
            "web",
            JsonSerializer.create(),
            Endpoint.builder()
                .handler(OrderPlaced.class, (placed, context) -> replies.add(placed)));
    PlaceOrder order =
        new PlaceOrder(
            "o-1", new BigDecimal("12.50"), Instant.parse("2026-12-06T10:15:30Z"), List.of("a"));

    web.withoutOutbox().send("orders", order);

    await().until(() -> replies.size() == 1);
    assertThat(received).containsExactly(order);
    assertThat(headers.get(0)).containsEntry(Headers.CONTENT_TYPE, "application/json");
    assertThat(replies).containsExactly(new OrderPlaced("o-1", order.placedAt()));
  }

  @Test
  void anEndpointOnJackson3HandlesWhatAnEndpointOnJackson2Sent() {
    List<PlaceOrder> received = new CopyOnWriteArrayList<>();
    start(
        "orders",
        JsonSerializer.create(),
        Endpoint.builder().handler(PlaceOrder.class, (order, context) -> received.add(order)));
    Endpoint sender =
        start(
            "web",
            Jackson2Serializer.create(),
            Endpoint.builder().route(PlaceOrder.class, "orders"));
    PlaceOrder order =
        new PlaceOrder("o-2", BigDecimal.TEN, Instant.parse("2026-12-06T10:15:30.5Z"), List.of());

    sender.withoutOutbox().send(order);

    await().until(() -> received.size() == 1);
    assertThat(received).containsExactly(order);
  }

  private Endpoint start(String name, Serializer serializer, EndpointBuilder builder) {
    Endpoint endpoint =
        builder
            .name(name)
            .transport(transport)
            .serializer(serializer)
            .recoverability(Recoverability.noRetries())
            .receiveWait(Duration.ofMillis(100))
            .build();
    endpoints.add(endpoint);
    endpoint.start();
    return endpoint;
  }
}
