package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.MessageName;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Messages queued on PostgreSQL before types had wire names name their Java class in {@code
 * pump.enclosed-types}, and were published to topics made of class names. They are still handled,
 * also for a type that has a {@link MessageName} now.
 */
@ExtendWith(PostgresExtension.class)
class QueuedUnderClassNamesTest {
  /** A command that got a wire name after messages were queued under its class name. */
  @MessageName("shop.PlaceOrder")
  public record PlaceOrder(String orderId) implements Command {}

  /** A command that has no wire name: its class name is its name. */
  public record CancelOrder(String orderId) implements Command {}

  /** The commands' interface, unnamed. */
  public interface Command {
    /** The order. */
    String orderId();
  }

  /** An event that got a wire name after it was published under its class name's topic. */
  @MessageName("shop.OrderPlaced")
  public record OrderPlaced(String orderId) implements OrderEvent {}

  /** The events' interface, named too. */
  @MessageName("shop.OrderEvent")
  public interface OrderEvent {}

  private JdbcStorage storage;
  private PostgresTransport transport;
  private Endpoint endpoint;

  @BeforeEach
  void open(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport =
        PostgresTransport.builder().storage(storage).pollInterval(Duration.ofMillis(50)).build();
  }

  @AfterEach
  void close() {
    if (endpoint != null) {
      endpoint.stop(Duration.ofSeconds(5));
    }
    transport.close();
    storage.close();
  }

  @Test
  void rowsWithTheClassNameHeadersPumpWroteBeforeWireNamesAreHandled() {
    List<String> handled = new CopyOnWriteArrayList<>();
    transport.createQueue("orders");
    insertAsBefore("orders", "m-named", PlaceOrder.class, Command.class, "o-1");
    insertAsBefore("orders", "m-unnamed", CancelOrder.class, Command.class, "o-2");

    endpoint =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .storage(storage)
            .recoverability(Recoverability.noRetries())
            .handler(PlaceOrder.class, (order, context) -> handled.add("place " + order.orderId()))
            .handler(
                CancelOrder.class, (order, context) -> handled.add("cancel " + order.orderId()))
            .build();
    endpoint.start();

    await().until(() -> handled.size() == 2);
    assertThat(handled).containsExactlyInAnyOrder("place o-1", "cancel o-2");
    assertThat(errorQueueRows()).isZero();
  }

  @Test
  void anEventAnOlderPublisherPublishesUnderTheClassNameTopicReachesTheNamedSubscriber() {
    List<String> handled = new CopyOnWriteArrayList<>();
    endpoint =
        Endpoint.builder()
            .name("billing")
            .transport(transport)
            .storage(storage)
            .recoverability(Recoverability.noRetries())
            .handler(OrderPlaced.class, (event, context) -> handled.add(event.orderId()))
            .build();
    endpoint.start();

    // an older publisher: class names in the header, class names (with '.' for '$') as topics
    transport.publish(
        List.of(topicBefore(OrderPlaced.class), topicBefore(OrderEvent.class)),
        List.of(
            OutgoingMessage.of(
                "m-old",
                headersBefore("m-old", OrderPlaced.class, OrderEvent.class),
                body("o-1"))));

    await().until(() -> handled.contains("o-1"));
    assertThat(subscribedTopics())
        .contains("shop.OrderPlaced", topicBefore(OrderPlaced.class))
        .doesNotContain(topicBefore(OrderEvent.class));
  }

  private void insertAsBefore(
      String queue, String id, Class<?> type, Class<?> supertype, String orderId) {
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.queue_message (queue, message_id, headers, body)"
                    + " VALUES (?, ?, ?::jsonb, ?)",
                queue,
                id,
                jsonOf(headersBefore(id, type, supertype)),
                body(orderId)));
  }

  /**
   * The headers of a message that names its types by class name, as a captured row showed them:
   * every standard header, and the class names, '$' and all, in {@code pump.enclosed-types}.
   */
  private static Map<String, String> headersBefore(String id, Class<?> type, Class<?> supertype) {
    return Map.of(
        "pump.reply-to",
        "sender",
        "pump.time-sent",
        "2026-12-06T02:23:39.220635107Z",
        "pump.message-id",
        id,
        "pump.content-type",
        "application/json",
        "pump.correlation-id",
        id,
        "pump.enclosed-types",
        type.getName() + ";" + supertype.getName(),
        "pump.conversation-id",
        id,
        "pump.originating-endpoint",
        "sender");
  }

  private static String topicBefore(Class<?> type) {
    return type.getName().replace('$', '.');
  }

  private static String jsonOf(Map<String, String> headers) {
    StringBuilder json = new StringBuilder("{");
    headers.forEach((name, value) ->
        json.append(json.length() > 1 ? "," : "")
            .append('"')
            .append(name)
            .append("\":\"")
            .append(value)
            .append('"'));
    return json.append('}').toString();
  }

  private static byte[] body(String orderId) {
    return ("{\"orderId\":\"" + orderId + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private long errorQueueRows() {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'")
                .mapTo(Long.class)
                .one());
  }

  private List<String> subscribedTopics() {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery("SELECT topic FROM pump.subscription WHERE queue = 'billing'")
                .mapTo(String.class)
                .list());
  }
}
