package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.testing.Queues;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Message types named on the wire: headers, topics, aliases and what build() refuses. */
class MessageNamesEndpointTest extends EndpointTestSupport {
  /** A command with a wire name, which it got after messages were queued under its class name. */
  @MessageName(value = "shop.PlaceOrder", aliases = "com.example.shop.Messages$PlaceOrder")
  public record PlaceOrder(String orderId) {}

  /** An event family with wire names. */
  @MessageName("shop.OrderEvent")
  public interface OrderEvent {
    /** The order. */
    String orderId();
  }

  /** An event of the family, renamed from {@code shop.OrderAccepted}. */
  @MessageName(value = "shop.OrderPlaced", aliases = "shop.OrderAccepted")
  public record OrderPlaced(String orderId) implements OrderEvent {}

  /** A command without a name. */
  public record Unnamed(String orderId) {}

  @Test
  void anAnnotatedMessageTravelsUnderItsNameAndIsHandled() {
    List<String> handled = new CopyOnWriteArrayList<>();
    endpoint("client")
        .route(PlaceOrder.class, "orders")
        .build()
        .withoutOutbox()
        .send(new PlaceOrder("o-1"));

    assertThat(Queues.drain(memory, "orders").getFirst().headers())
        .containsEntry(Headers.ENCLOSED_TYPES, "shop.PlaceOrder");

    endpoint("client")
        .route(PlaceOrder.class, "orders")
        .build()
        .withoutOutbox()
        .send(new PlaceOrder("o-2"));
    start(endpoint("orders").handler(PlaceOrder.class, (order, c) -> handled.add(order.orderId())));
    await().until(() -> handled.contains("o-2"));
  }

  @Test
  void aMessageQueuedUnderTheClassNameOrAnAliasIsStillHandled() {
    List<String> handled = new CopyOnWriteArrayList<>();
    memory.createQueue("orders");
    raw("orders", "old-class-name", PlaceOrder.class.getName(), "{\"orderId\":\"o-1\"}");
    raw("orders", "old-alias", "com.example.shop.Messages$PlaceOrder", "{\"orderId\":\"o-2\"}");
    raw("orders", "new-name", "shop.PlaceOrder", "{\"orderId\":\"o-3\"}");

    start(endpoint("orders").handler(PlaceOrder.class, (order, c) -> handled.add(order.orderId())));

    await().until(() -> handled.size() == 3);
    assertThat(handled).containsExactlyInAnyOrder("o-1", "o-2", "o-3");
  }

  @Test
  void aHandlerForANamedInterfaceGetsItsImplementationsByTheirNames() {
    List<String> handled = new CopyOnWriteArrayList<>();
    memory.createQueue("billing");
    raw("billing", "by-alias", "shop.OrderAccepted;shop.OrderEvent", "{\"orderId\":\"o-1\"}");

    start(
        endpoint("billing")
            .messageName(OrderPlaced.class, "shop.OrderPlaced", "shop.OrderAccepted")
            .handler(OrderEvent.class, (event, c) -> handled.add(event.orderId())));

    await().until(() -> handled.contains("o-1"));
  }

  @Test
  void publishGoesToTheTopicsOfTheWireNamesMostSpecificFirst() {
    memory.subscribe("shop.OrderEvent", "audit");

    endpoint("orders").build().withoutOutbox().publish(new OrderPlaced("o-1"));

    assertThat(Queues.drain(memory, "audit").getFirst().headers())
        .containsEntry(Headers.ENCLOSED_TYPES, "shop.OrderPlaced;shop.OrderEvent");
  }

  @Test
  void aSubscriberGetsEventsThatAnOlderPublisherPublishedUnderTheOldNamesTopic() {
    List<String> handled = new CopyOnWriteArrayList<>();
    start(
        endpoint("billing").handler(OrderPlaced.class, (event, c) -> handled.add(event.orderId())));

    // as a publisher of the type before it was named: class name in the header and as the topic
    memory.publish(
        List.of(
            OrderPlaced.class.getName().replace('$', '.'),
            OrderEvent.class.getName().replace('$', '.')),
        List.of(
            message(
                "old",
                OrderPlaced.class.getName() + ";" + OrderEvent.class.getName(),
                "{\"orderId\":\"o-old\"}")));
    // as a publisher that still uses the alias
    memory.publish(
        List.of("shop.OrderAccepted"),
        List.of(message("alias", "shop.OrderAccepted", "{\"orderId\":\"o-alias\"}")));
    // as the current publisher
    endpoint("orders").build().withoutOutbox().publish(new OrderPlaced("o-new"));

    await().until(() -> handled.size() == 3);
    assertThat(handled).containsExactlyInAnyOrder("o-old", "o-alias", "o-new");
  }

  @Test
  void aRegisteredNameOverridesTheAnnotationForThatEndpoint() {
    endpoint("client")
        .messageName(Unnamed.class, "shop.Unnamed")
        .messageName(PlaceOrder.class, "orders.Place")
        .build()
        .withoutOutbox()
        .send("orders", new PlaceOrder("o-1"));

    assertThat(Queues.drain(memory, "orders").getFirst().headers())
        .containsEntry(Headers.ENCLOSED_TYPES, "orders.Place");
  }

  @Test
  void buildRefusesTwoTypesWithOneNameAndInvalidNamesNamingTypeAndName() {
    assertThatThrownBy(() ->
            endpoint("orders")
                .handler(PlaceOrder.class, (order, c) -> {})
                .messageName(Unnamed.class, "shop.PlaceOrder")
                .messageName(OrderPlaced.class, "shop;OrderPlaced")
                .messageName(Unnamed.class, "again")
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining(
            "endpoint.messageName for " + Unnamed.class.getName() + " is set twice")
        .hasMessageContaining(
            "the message name \"shop.PlaceOrder\" is claimed by both "
                + Unnamed.class.getName()
                + " and "
                + PlaceOrder.class.getName())
        .hasMessageContaining(
            "endpoint.messageName for " + OrderPlaced.class.getName() + " must be")
        .hasMessageContaining("was \"shop;OrderPlaced\"");
  }

  private void raw(String queue, String id, String enclosedTypes, String json) {
    memory.send(queue, List.of(message(id, enclosedTypes, json)));
  }

  private static OutgoingMessage message(String id, String enclosedTypes, String json) {
    return OutgoingMessage.of(
        id,
        Map.of(
            Headers.MESSAGE_ID, id,
            Headers.CONTENT_TYPE, "application/json",
            Headers.ENCLOSED_TYPES, enclosedTypes),
        json.getBytes(StandardCharsets.UTF_8));
  }
}
