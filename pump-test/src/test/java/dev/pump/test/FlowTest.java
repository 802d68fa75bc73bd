package dev.pump.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.jdbc.JdbcContext;
import dev.pump.test.Shop.ChargeCard;
import dev.pump.test.Shop.OrderPlaced;
import dev.pump.test.Shop.PlaceOrder;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A flow of two endpoints on a real PostgreSQL: the test sends, orders handles and publishes,
 * billing handles the event and sends on; awaited with {@code awaitIdle} and asserted through the
 * outbox.
 */
@PumpTest
class FlowTest {
  @BeforeAll
  static void tables(TestPump pump) throws SQLException {
    try (Connection connection = pump.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE charge (order_id text PRIMARY KEY, amount_cents bigint)");
    }
  }

  static void startShop(TestPump pump) {
    pump.start(
        Endpoint.builder()
            .name("orders")
            .handler(
                PlaceOrder.class,
                (order, context) ->
                    context.publish(new OrderPlaced(order.orderId(), order.amountCents()))),
        Endpoint.builder()
            .name("billing")
            .route(ChargeCard.class, "payments")
            .handler(
                OrderPlaced.class,
                (placed, context) -> {
                  JdbcContext.handle(context)
                      .execute(
                          "INSERT INTO charge VALUES (?, ?)",
                          placed.orderId(),
                          placed.amountCents());
                  context.send(new ChargeCard(placed.orderId(), placed.amountCents()));
                }));
  }

  @Test
  void aSentCommandIsHandledItsEventPublishedAndTheSubscriberSendsOn(TestPump pump) {
    startShop(pump);

    pump.send("orders", new PlaceOrder("o-1", 4200));
    pump.awaitIdle();

    assertThat(pump.outbox())
        .extracting(
            TestPump.OutboxMessage::endpoint,
            TestPump.OutboxMessage::kind,
            TestPump.OutboxMessage::messageType,
            TestPump.OutboxMessage::state)
        .containsExactly(
            tuple(TestPump.SENDER, "send", PlaceOrder.class.getName(), "dispatched"),
            tuple("orders", "publish", OrderPlaced.class.getName(), "dispatched"),
            tuple("billing", "send", ChargeCard.class.getName(), "dispatched"));
    List<TestPump.OutboxMessage> rows = pump.outbox();
    assertThat(rows.get(0).destination()).isEqualTo("orders");
    assertThat(rows.get(2).destination()).isEqualTo("payments");
    String command = rows.get(0).messageId();
    assertThat(rows.get(1).causationId()).isEqualTo(command);
    assertThat(rows.get(2).causationId()).isEqualTo(rows.get(1).messageId());
    assertThat(rows)
        .allSatisfy(
            row -> assertThat(row.headers()).containsEntry(Headers.CONVERSATION_ID, command));
    assertThat(rows.get(2).bodyJson()).contains("\"orderId\": \"o-1\"");
    assertThat(pump.published(OrderPlaced.class)).containsExactly(new OrderPlaced("o-1", 4200));
    assertThat(pump.sent("payments", ChargeCard.class))
        .containsExactly(new ChargeCard("o-1", 4200));
    assertThat(pump.errorQueue()).isEmpty();
  }

  @Test
  void eachTestSeesItsOwnMessagesOnly(TestPump pump) throws SQLException {
    startShop(pump);

    pump.send("orders", new PlaceOrder("o-2", 100));
    pump.send("orders", new PlaceOrder("o-3", 200));
    pump.awaitIdle();

    assertThat(pump.sent("payments", ChargeCard.class))
        .containsExactlyInAnyOrder(new ChargeCard("o-2", 100), new ChargeCard("o-3", 200));
    assertThat(pump.outbox()).hasSize(6);
    assertThat(pump.endpoint("billing").health().inFlight()).isZero();
  }
}
