package dev.pump.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.examples.shop.OrderPlaced;
import dev.pump.examples.shop.PlaceOrder;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A producer that is not Pump sends to Pump's PostgreSQL queue exactly as docs/wire-format.md says:
 * its SQL, read from the page as psql would run it and committed, reaches a Pump endpoint's handler
 * as the shop's message.
 */
@ExtendWith(PostgresExtension.class)
class WireFormatDocTest {
  private static final Path PAGE = Path.of("docs", "wire-format.md");

  private TestDatabase db;
  private JdbcStorage storage;
  private PostgresTransport transport;
  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open(TestDatabase database) {
    db = database;
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
  }

  @AfterEach
  void close() {
    endpoints.forEach(e -> e.stop(Duration.ofSeconds(5)));
    transport.close();
    storage.close();
  }

  @Test
  void theDocumentedInsertAndNotifyReachTheOrdersEndpoint() throws SQLException {
    List<PlaceOrder> handled = new CopyOnWriteArrayList<>();
    start(
        Endpoint.builder()
            .name("orders")
            .handler(PlaceOrder.class, (order, context) -> handled.add(order)));

    run(block("INSERT INTO pump.queue_message (queue, message_id, headers, body)\nVALUES"));

    await().atMost(Duration.ofSeconds(20)).until(() -> !handled.isEmpty());
    assertThat(handled).containsExactly(new PlaceOrder("order-9001", "ada", "Lisbon", 4200));
  }

  @Test
  void theDocumentedPublishReachesEverySubscriber() throws SQLException {
    List<String> handled = new CopyOnWriteArrayList<>();
    for (String name : List.of("billing", "shipping")) {
      start(
          Endpoint.builder()
              .name(name)
              .handler(OrderPlaced.class, (placed, context) -> handled.add(name + " " + placed)));
    }

    run(block("FROM pump.subscription"));

    await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 2);
    OrderPlaced placed = new OrderPlaced("order-9001", "Lisbon", 4200);
    assertThat(handled).containsExactlyInAnyOrder("billing " + placed, "shipping " + placed);
  }

  private void start(EndpointBuilder builder) {
    Endpoint endpoint =
        builder
            .transport(transport)
            .storage(storage)
            .recoverability(Recoverability.noRetries())
            .build();
    endpoints.add(endpoint);
    endpoint.start();
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

  private void run(List<PsqlScript.Statement> statements) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (PsqlScript.Statement sql : statements) {
        statement.execute(sql.sql());
      }
    }
  }
}
