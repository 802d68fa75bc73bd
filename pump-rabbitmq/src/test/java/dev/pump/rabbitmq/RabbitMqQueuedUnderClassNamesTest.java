package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.MessageName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages queued on RabbitMQ before types had wire names name their Java class in the {@code type}
 * property and {@code pump.enclosed-types}, and were published to exchanges named after classes.
 * They are still handled, also for a type that has a {@link MessageName} now.
 */
class RabbitMqQueuedUnderClassNamesTest extends BrokerTestSupport {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A command that got a wire name after messages were queued under its class name. */
  @MessageName("pumptest.names.PlaceOrder")
  public record PlaceOrder(String orderId) implements Command {}

  /** A command that has no wire name: its class name is its name. */
  public record CancelOrder(String orderId) implements Command {}

  /** The commands' interface, unnamed. */
  public interface Command {
    /** The order. */
    String orderId();
  }

  /** An event that got a wire name after it was published under its class name's exchange. */
  @MessageName("pumptest.names.OrderPlaced")
  public record OrderPlaced(String orderId) {}

  private String errorQueue;

  RabbitMqQueuedUnderClassNamesTest() {
    super("pump-names");
  }

  @BeforeEach
  void errorQueue() {
    errorQueue = admin.queueName("error");
  }

  @Test
  void messagesWithTheClassNamePropertiesPumpWroteBeforeWireNamesAreHandled() throws Exception {
    List<String> handled = new CopyOnWriteArrayList<>();
    String queue = admin.queueName("orders");
    transport.createQueue(queue);
    publishAsBefore("", queue, "m-named", PlaceOrder.class, Command.class, "o-1");
    publishAsBefore("", queue, "m-unnamed", CancelOrder.class, Command.class, "o-2");

    endpoint =
        start(
            queue,
            b ->
                b.handler(PlaceOrder.class, (o, c) -> handled.add("place " + o.orderId()))
                    .handler(CancelOrder.class, (o, c) -> handled.add("cancel " + o.orderId())));

    await().atMost(WAIT).until(() -> handled.size() == 2);
    assertThat(handled).containsExactlyInAnyOrder("place o-1", "cancel o-2");
    assertThat(admin.readyMessages(errorQueue)).isZero();
  }

  @Test
  void anEventAnOlderPublisherPublishesToTheClassNameExchangeReachesTheNamedSubscriber()
      throws Exception {
    List<String> handled = new CopyOnWriteArrayList<>();
    String queue = admin.queueName("billing");
    String oldExchange = OrderPlaced.class.getName().replace('$', '.');
    admin.deleteSharedExchangeLater(oldExchange);
    admin.deleteSharedExchangeLater("pumptest.names.OrderPlaced");

    endpoint = start(queue, b -> b.handler(OrderPlaced.class, (e, c) -> handled.add(e.orderId())));
    publishAsBefore(oldExchange, "", "m-event", OrderPlaced.class, null, "o-1");

    await().atMost(WAIT).until(() -> handled.contains("o-1"));
  }

  private Endpoint start(String queue, UnaryOperator<EndpointBuilder> handlers) {
    Endpoint started =
        handlers
            .apply(
                Endpoint.builder()
                    .name(queue)
                    .transport(transport)
                    .recoverability(noRetries(errorQueue)))
            .build();
    started.start();
    return started;
  }

  /**
   * Publishes with class names for types, as a captured delivery showed it: message id, correlation
   * id and content type as properties, the class name as the {@code type} property, the class
   * names, '$' and all, in {@code pump.enclosed-types}, the other headers as AMQP headers,
   * persistent.
   */
  private void publishAsBefore(
      String exchange,
      String routingKey,
      String id,
      Class<?> type,
      Class<?> supertype,
      String orderId)
      throws Exception {
    String enclosed = type.getName() + (supertype == null ? "" : ";" + supertype.getName());
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .correlationId(id)
            .messageId(id)
            .type(type.getName())
            .headers(
                Map.of(
                    "pump.reply-to", "sender",
                    "pump.originating-endpoint", "sender",
                    "pump.enclosed-types", enclosed,
                    "pump.conversation-id", id,
                    "pump.time-sent", "2026-12-06T02:24:04.360145079Z"))
            .build();
    try (Channel channel = admin.channel()) {
      channel.basicPublish(
          exchange,
          routingKey,
          properties,
          ("{\"orderId\":\"" + orderId + "\"}").getBytes(StandardCharsets.UTF_8));
    }
  }
}
