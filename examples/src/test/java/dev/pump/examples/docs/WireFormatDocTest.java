package dev.pump.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.examples.shop.OrderPlaced;
import dev.pump.examples.shop.PlaceOrder;
import dev.pump.test.PumpTest;
import dev.pump.test.TestPump;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A producer that is not Pump sends to Pump's PostgreSQL queue exactly as docs/wire-format.md says:
 * its SQL, read from the page as psql would run it and committed, reaches a Pump endpoint's handler
 * as the shop's message.
 */
@PumpTest
class WireFormatDocTest {
  private static final Path PAGE = Path.of("docs", "wire-format.md");

  @Test
  void theDocumentedInsertAndNotifyReachTheOrdersEndpoint(TestPump pump) throws SQLException {
    List<PlaceOrder> handled = new CopyOnWriteArrayList<>();
    start(
        pump,
        Endpoint.builder()
            .name("orders")
            .handler(PlaceOrder.class, (order, context) -> handled.add(order)));

    run(pump, block("INSERT INTO pump.queue_message (queue, message_id, headers, body)\nVALUES"));

    pump.awaitIdle();
    assertThat(handled).containsExactly(new PlaceOrder("order-9001", "ada", "Lisbon", 4200));
  }

  @Test
  void theDocumentedPublishReachesEverySubscriber(TestPump pump) throws SQLException {
    List<String> handled = new CopyOnWriteArrayList<>();
    for (String name : List.of("billing", "shipping")) {
      start(
          pump,
          Endpoint.builder()
              .name(name)
              .handler(OrderPlaced.class, (placed, context) -> handled.add(name + " " + placed)));
    }

    run(pump, block("FROM pump.subscription"));

    pump.awaitIdle();
    OrderPlaced placed = new OrderPlaced("order-9001", "Lisbon", 4200);
    assertThat(handled).containsExactlyInAnyOrder("billing " + placed, "shipping " + placed);
  }

  private static void start(TestPump pump, EndpointBuilder builder) {
    pump.start(builder.recoverability(Recoverability.noRetries()));
  }

  /** The statements of the page's one SQL block that contains {@code fragment}. */
  private static List<PsqlScript.Statement> block(String fragment) {
    PsqlScript script = new PsqlScript(PAGE.toString());
    List<DocPages.Fence> blocks =
        DocPages.fences(PAGE).stream()
            .filter(f -> f.info().equals("sql"))
            .filter(f -> String.join("\n", f.lines()).contains(fragment))
            .toList();
    assertThat(blocks).as("SQL blocks of %s with %s", PAGE, fragment).hasSize(1);
    DocPages.Fence fence = blocks.getFirst();
    PsqlScript.Read read = script.read(fence.firstLine(), String.join("\n", fence.lines()) + "\n");
    assertThat(read.problems()).isEmpty();
    return read.statements();
  }

  private static void run(TestPump pump, List<PsqlScript.Statement> statements)
      throws SQLException {
    try (Connection connection = pump.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (PsqlScript.Statement sql : statements) {
        statement.execute(sql.sql());
      }
    }
  }
}
