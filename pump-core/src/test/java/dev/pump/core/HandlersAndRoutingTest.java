package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.testing.Queues;
import dev.pump.core.testing.TestMessages.OrderCancelled;
import dev.pump.core.testing.TestMessages.OrderEvent;
import dev.pump.core.testing.TestMessages.OrderPlaced;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.core.testing.TestMessages.PlaceOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandlersAndRoutingTest extends EndpointTestSupport {

  @Test
  void severalHandlersForOneTypeAllRunInRegistrationOrder() {
    List<String> calls = new CopyOnWriteArrayList<>();
    endpoint("x").build().withoutOutbox().send("multi", new OrderPlaced("o-1"));

    start(
        endpoint("multi")
            .handler(OrderPlaced.class, (placed, context) -> calls.add("first"))
            .handler(OrderEvent.class, (any, context) -> calls.add("every order event"))
            .handler(OrderPlaced.class, (placed, context) -> calls.add("second")));

    await().until(() -> calls.size() == 3);
    assertThat(calls).containsExactly("first", "every order event", "second");
  }

  @Test
  void aHandlerForAnInterfaceReceivesEveryImplementation() {
    List<String> seen = new CopyOnWriteArrayList<>();
    Endpoint sender = endpoint("x").build();
    sender.withoutOutbox().send("events", new OrderPlaced("o-1"));
    sender.withoutOutbox().send("events", new OrderCancelled("o-2"));

    start(
        endpoint("events")
            .handler(
                OrderEvent.class,
                (event, context) ->
                    seen.add(event.getClass().getSimpleName() + ":" + event.orderId())));

    await().until(() -> seen.size() == 2);
    assertThat(seen).containsExactlyInAnyOrder("OrderPlaced:o-1", "OrderCancelled:o-2");
  }

  /** A handler with per-message state, as a DI container's scope would give. */
  static final class ScopedHandler implements Handler<Ping>, AutoCloseable {
    static final AtomicInteger created = new AtomicInteger();
    static final AtomicInteger closed = new AtomicInteger();
    private boolean used;

    ScopedHandler() {
      created.incrementAndGet();
    }

    @Override
    public void handle(Ping message, Context context) {
      if (used) {
        throw new IllegalStateException("a scoped handler was shared between messages");
      }
      used = true;
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void aHandlerFactoryMakesAHandlerPerMessageAndClosesItAfterwards() {
    ScopedHandler.created.set(0);
    ScopedHandler.closed.set(0);
    Endpoint sender = endpoint("x").build();
    for (int i = 0; i < 5; i++) {
      sender.withoutOutbox().send("scoped", new Ping(i));
    }

    start(endpoint("scoped").handlerFactory(Ping.class, ScopedHandler::new));

    await().until(() -> ScopedHandler.closed.get() == 5);
    assertThat(ScopedHandler.created.get()).isEqualTo(5);
    assertThat(memory.queueStats("error").total()).isZero();
  }

  @Test
  void aPublishedEventReachesSubscribersOfItsTypeAndOfItsInterfacesOnceEach() {
    List<String> billing = new CopyOnWriteArrayList<>();
    List<String> audit = new CopyOnWriteArrayList<>();
    start(endpoint("billing").handler(OrderPlaced.class, (e, c) -> billing.add(e.orderId())));
    start(
        endpoint("audit")
            .handler(OrderEvent.class, (e, c) -> audit.add(e.orderId()))
            .handler(OrderPlaced.class, (e, c) -> audit.add("placed " + e.orderId())));
    Endpoint publisher = endpoint("shop").build();

    publisher.withoutOutbox().publish(new OrderPlaced("o-1"));
    publisher.withoutOutbox().publish(new OrderCancelled("o-2"));

    await().until(() -> billing.size() == 1 && audit.size() == 3);
    assertThat(billing).containsExactly("o-1");
    // audit subscribes to both OrderEvent and OrderPlaced, yet receives o-1 once (two handlers)
    assertThat(audit).containsExactlyInAnyOrder("o-1", "placed o-1", "o-2");
  }

  @Test
  void aCommandIsSentToTheQueueRoutedForItsTypeOrItsNearestSupertype() {
    Endpoint sender =
        endpoint("router")
            .route(PlaceOrder.class, "orders")
            .route(OrderEvent.class, "order-events")
            .build();

    sender.withoutOutbox().send(new PlaceOrder("o-1"));
    sender.withoutOutbox().send(new OrderCancelled("o-2"));

    assertThat(memory.queueStats("orders").ready()).isEqualTo(1);
    assertThat(memory.queueStats("order-events").ready()).isEqualTo(1);
  }

  @Test
  void sendingACommandWithoutARouteFailsNamingTheType() {
    Endpoint sender = endpoint("unrouted").build();

    assertThatThrownBy(() -> sender.withoutOutbox().send(new PlaceOrder("o-1")))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining(PlaceOrder.class.getName());
  }

  @Test
  void correlationConversationAndTraceContextFlowFromIncomingToOutgoing() {
    Endpoint sender = endpoint("origin").build();
    sender
        .withoutOutbox()
        .send(
            "relay",
            new Ping(1),
            SendOptions.builder()
                .messageId("first-message")
                .header(
                    Headers.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .build());

    start(
        endpoint("relay")
            .handler(Ping.class, (ping, context) -> context.send("sink", new Ping(2))));

    await().until(() -> memory.queueStats("sink").ready() == 1);
    Map<String, String> headers = Queues.drain(memory, "sink").getFirst().headers();
    assertThat(headers)
        .containsEntry(Headers.CORRELATION_ID, "first-message")
        .containsEntry(Headers.CONVERSATION_ID, "first-message")
        .containsEntry(Headers.CAUSATION_ID, "first-message")
        .containsEntry(Headers.REPLY_TO, "relay")
        .containsEntry(Headers.ORIGINATING_ENDPOINT, "relay")
        .containsEntry(Headers.TIME_SENT, clock.instant().toString())
        .containsEntry(Headers.CONTENT_TYPE, "application/json")
        .containsEntry(
            Headers.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(headers.get(Headers.MESSAGE_ID)).isNotEqualTo("first-message");
  }

  @Test
  void theEnclosedTypesHeaderNamesTheClassAndItsInterfaces() {
    endpoint("x").build().withoutOutbox().send("typed", new OrderPlaced("o-1"));

    ReceivedMessage received = Queues.drain(memory, "typed").getFirst();

    assertThat(received.headers().get(Headers.ENCLOSED_TYPES))
        .isEqualTo(OrderPlaced.class.getName() + ";" + OrderEvent.class.getName());
  }

  @Test
  void aReplyGoesToTheSendersInputQueue() {
    AtomicReference<String> reply = new AtomicReference<>();
    start(
        endpoint("server")
            .handler(
                PlaceOrder.class,
                (order, context) -> context.reply(new OrderPlaced(order.orderId()))));
    Endpoint client =
        start(
            endpoint("client")
                .route(PlaceOrder.class, "server")
                .handler(OrderPlaced.class, (placed, context) -> reply.set(placed.orderId())));

    client.withoutOutbox().send(new PlaceOrder("o-42"));

    await().until(() -> "o-42".equals(reply.get()));
  }

  @Test
  void aTransportCanHandItsOpenTransactionToTheHandlerThroughTheContextAttributes() {
    Attributes.Key<StringBuilder> transaction = Attributes.Key.of("tx", StringBuilder.class);
    Map<String, String> seenByHandler = new ConcurrentHashMap<>();
    transport.onReceived(message ->
        new ForwardingReceivedMessage(message) {
          @Override
          public void contributeAttributes(Attributes attributes) {
            attributes.put(transaction, new StringBuilder("tx-for-" + messageId()));
          }
        });
    endpoint("x")
        .build()
        .withoutOutbox()
        .send("transactional", new Ping(1), SendOptions.builder().messageId("m1").build());

    start(
        endpoint("transactional")
            .handler(
                Ping.class,
                (ping, context) ->
                    seenByHandler.put(
                        context.messageId(),
                        context.attributes().require(transaction).toString())));

    await().until(() -> seenByHandler.size() == 1);
    assertThat(seenByHandler).containsEntry("m1", "tx-for-m1");
  }

  @Test
  void anExplicitCorrelationIdReplacesTheOneThatWouldFlow() {
    start(
        endpoint("correlating")
            .handler(
                Ping.class,
                (ping, context) ->
                    context.send(
                        "sink",
                        new Ping(2),
                        SendOptions.builder().correlationId("order-42").build())));

    endpoint("x").build().withoutOutbox().send("correlating", new Ping(1));

    await().until(() -> memory.queueStats("sink").ready() == 1);
    assertThat(Queues.drain(memory, "sink").getFirst().headers())
        .containsEntry(Headers.CORRELATION_ID, "order-42");
  }

  @Test
  void anOrderingKeyTravelsAsAHeaderAndABlankOneIsRefused() {
    start(
        endpoint("keyed")
            .handler(
                Ping.class,
                (ping, context) ->
                    context.send(
                        "sink",
                        new Ping(2),
                        SendOptions.builder().orderingKey("order-42").build())));

    endpoint("x").build().withoutOutbox().send("keyed", new Ping(1));

    await().until(() -> memory.queueStats("sink").ready() == 1);
    assertThat(Queues.drain(memory, "sink").getFirst().headers())
        .containsEntry(Headers.ORDERING_KEY, "order-42");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SendOptions.builder().orderingKey(" ").build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("sendOptions.orderingKey");
  }
}
