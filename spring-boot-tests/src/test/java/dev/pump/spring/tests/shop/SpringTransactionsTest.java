package dev.pump.spring.tests.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.PumpException;
import dev.pump.spring.PumpEndpoints;
import dev.pump.spring.tests.SpringDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot shop on JPA and JdbcTemplate, on a real HTTP port: what a {@code @Transactional}
 * method writes and what it sends through PumpSender commit or roll back together, and handlers run
 * in a Spring transaction that holds the inbox, the outbox and their repositories' writes.
 */
@SpringBootTest(
    classes = ShopApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.jpa.hibernate.ddl-auto=create",
      "spring.datasource.hikari.maximum-pool-size=24",
      "pump.endpoints.shop.concurrency=4",
      "pump.endpoints.shop.messages-per-transaction=4",
      "pump.endpoints.shop.immediate-retries=0",
      "pump.endpoints.shop.delayed-retries=0",
      "pump.endpoints.shop.routes[shop.ChargeCard]=billing",
      "pump.shutdown-grace=5s",
      "management.endpoints.web.exposure.include=health,pump",
      "management.endpoint.health.show-details=always"
    })
class SpringTransactionsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired OrderService orders;
  @Autowired ShippingHandler shipping;
  @Autowired JdbcTemplate jdbc;
  @Autowired Environment environment;
  @Autowired PumpEndpoints endpoints;
  @Autowired dev.pump.core.spi.Serializer serializer;
  @Autowired dev.pump.jdbc.JdbcStorage storage;
  @Autowired dev.pump.spring.PumpSender sender;
  @Autowired org.springframework.transaction.PlatformTransactionManager transactionManager;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    SpringDatabases.register(SpringTransactionsTest.class, registry);
  }

  @Test
  void messageBodiesAreWrittenWithTheApplicationsOwnJacksonMapper() {
    // Boot 3 brings Jackson 2 with an older jackson-annotations than Jackson 3 needs: Pump's
    // serializer on the application's ObjectMapper never loads Jackson 3; Boot 4's is Jackson 3
    String expected =
        org.springframework.boot.SpringBootVersion.getVersion().startsWith("3.")
            ? "dev.pump.jackson2.Jackson2Serializer"
            : "dev.pump.core.serialization.JsonSerializer";

    assertThat(serializer.getClass().getName()).isEqualTo(expected);
    byte[] body = serializer.serialize(new Messages.OrderPlaced("o-json", 1250));
    assertThat(serializer.deserialize(body, Messages.OrderPlaced.class).orderId())
        .isEqualTo("o-json");
  }

  @Test
  void aCommitLeavesTheBusinessRowsAndTheOutboxRowsAndTheMessageIsHandled() {
    orders.place("o-1", 100, false);

    assertThat(count("SELECT count(*) FROM orders WHERE id = 'o-1'")).isOne();
    assertThat(count("SELECT count(*) FROM audit WHERE entry = 'placed o-1'")).isOne();
    assertThat(outboxRowsMentioning("o-1")).isEqualTo(2); // OrderPlaced and ChargeCard
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'billing'"
                    + " AND position('o-1' in convert_from(body, 'UTF8')) > 0"))
        .as("ChargeCard routed by its wire name")
        .isOne();
    await()
        .atMost(WAIT)
        .until(() -> count("SELECT count(*) FROM shipment WHERE order_id = 'o-1'") == 1);
  }

  @Test
  void aRollbackLeavesNeitherTheBusinessRowsNorTheOutboxRows() {
    assertThatThrownBy(() -> orders.place("o-2", 100, true))
        .isInstanceOf(IllegalStateException.class);

    assertThat(count("SELECT count(*) FROM orders WHERE id = 'o-2'")).isZero();
    assertThat(count("SELECT count(*) FROM audit WHERE entry = 'placed o-2'")).isZero();
    assertThat(outboxRowsMentioning("o-2")).isZero();
  }

  @Test
  void aRequiresNewTransactionInsideCommitsItsOwnSendsWhateverTheOuterOneDoes() {
    assertThatThrownBy(() -> orders.placeWithLedger("o-3", 100, true))
        .isInstanceOf(IllegalStateException.class);
    orders.placeWithLedger("o-4", 100, false);

    assertThat(count("SELECT count(*) FROM orders WHERE id IN ('o-3', 'o-4')")).isOne();
    assertThat(count("SELECT count(*) FROM audit WHERE entry = 'ledger o-3'")).isOne();
    assertThat(outboxRowsMentioning("o-3"))
        .as("only the ledger's own message survives the outer rollback")
        .isOne();
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'ledger'"
                    + " AND position('o-3' in convert_from(body, 'UTF8')) > 0"))
        .isOne();
    assertThat(outboxRowsMentioning("o-4")).isEqualTo(3);
  }

  @Test
  void pumpSenderRefusesWithoutATransactionAndInAReadOnlyOne() {
    assertThatThrownBy(() -> orders.publishWithoutTransaction("o-5"))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("only inside a Spring-managed transaction");
    assertThatThrownBy(() -> orders.publishReadOnly("o-5"))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("read-only");
    assertThat(outboxRowsMentioning("o-5")).isZero();
  }

  @Test
  void aHandlerSharesItsSpringTransactionWithPumpsInboxAndOutbox() {
    orders.place("o-6", 100, false);

    await().atMost(WAIT).until(() -> shipping.transactionsOf("o-6") != null);
    Long[] transactions = shipping.transactionsOf("o-6");
    assertThat(transactions[0]).as("JdbcTemplate and Pump's handle").isEqualTo(transactions[1]);
    await()
        .atMost(WAIT)
        .until(() -> count("SELECT count(*) FROM audit WHERE entry = 'shipped o-6'") == 1);
    assertThat(
            count(
                "SELECT count(*) FROM audit WHERE entry = 'shipped o-6' AND txid = "
                    + transactions[0]))
        .isOne();
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'invoicing'"
                    + " AND position('o-6' in convert_from(body, 'UTF8')) > 0"))
        .isOne();
  }

  @Test
  void aFailingHandlerRollsBackItsBusinessRowsInboxAndOutboxTogether() {
    orders.place("poison-7", 100, false);

    await()
        .atMost(WAIT)
        .until(() ->
            count(
                    "SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"
                        + " AND position('poison-7' in convert_from(body, 'UTF8')) > 0")
                == 1);
    assertThat(shipping.transactionsOf("poison-7")).as("the handler ran").isNotNull();
    assertThat(count("SELECT count(*) FROM shipment WHERE order_id = 'poison-7'")).isZero();
    assertThat(count("SELECT count(*) FROM audit WHERE entry = 'shipped poison-7'")).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'invoicing'"
                    + " AND position('poison-7' in convert_from(body, 'UTF8')) > 0"))
        .isZero();
    String messageId =
        jdbc.queryForObject(
            "SELECT message_id FROM pump.queue_message WHERE queue = 'error'"
                + " AND position('poison-7' in convert_from(body, 'UTF8')) > 0",
            String.class);
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE message_id = '" + messageId + "'"))
        .isZero();
  }

  @Test
  void aBatchKeepsTheJpaWritesOfItsGoodMessagesWhenOneFails() {
    // the endpoint idle, so that the four messages arrive as one batch
    await()
        .atMost(WAIT)
        .until(() ->
            endpoints.get("shop").orElseThrow().health().inFlight() == 0
                && count("SELECT count(*) FROM pump.queue_message WHERE queue = 'shop'") == 0);
    orders.publishAll(List.of("b-1", "b-2", "poison-b3", "b-4"));

    await()
        .atMost(WAIT)
        .until(() -> count("SELECT count(*) FROM shipment WHERE order_id LIKE 'b-%'") == 3);
    await()
        .atMost(WAIT)
        .until(() ->
            count(
                    "SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"
                        + " AND position('poison-b3' in convert_from(body, 'UTF8')) > 0")
                == 1);
    assertThat(count("SELECT count(*) FROM shipment WHERE order_id = 'poison-b3'")).isZero();
    assertThat(count("SELECT count(*) FROM audit WHERE entry LIKE 'shipped %b%'")).isEqualTo(3);
    // the failing message shared its transaction with the good ones before it: their JPA writes
    // were flushed before its savepoint was rolled back, and its own were cleared after
    assertThat(List.of("b-1", "b-2", "poison-b3"))
        .extracting(id -> shipping.transactionsOf(id)[0])
        .as("handled in one transaction")
        .containsOnly(shipping.transactionsOf("b-1")[0]);
  }

  @Test
  void aRequestOverHttpCommitsItsRowsAndMessages() throws Exception {
    String port = environment.getProperty("local.server.port");
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/h-1/7"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM orders WHERE id = 'h-1'")).isOne();
    await()
        .atMost(WAIT)
        .until(() -> count("SELECT count(*) FROM shipment WHERE order_id = 'h-1'") == 1);
  }

  @Test
  void theActuatorShowsPumpsHealthAndItsFailedMessagesToRetryOrDiscard() throws Exception {
    assertThat(http("GET", "/actuator/health/pump"))
        .contains("\"status\":\"UP\"")
        .contains("\"shop\"")
        .contains("\"running\":true");
    orders.place("poison-a1", 100, false);
    orders.place("poison-a2", 100, false);
    await()
        .atMost(WAIT)
        .until(() ->
            count(
                    "SELECT count(*) FROM pump.queue_message WHERE queue = 'error'"
                        + " AND convert_from(body, 'UTF8') LIKE '%poison-a_%'")
                == 2);
    String first = errorQueueMessageId("poison-a1");
    String second = errorQueueMessageId("poison-a2");

    assertThat(http("GET", "/actuator/pump")).contains("\"outbox\"").contains("\"error\":");
    assertThat(http("GET", "/actuator/pump/error")).contains(first).contains(second);
    assertThat(http("GET", "/actuator/pump/error?containing=poison-a2"))
        .contains(second)
        .doesNotContain(first)
        .contains("\"next\":null");
    assertThat(http("GET", "/actuator/pump/error/" + first))
        .contains("retries-exhausted")
        .contains("cannot ship poison-a1")
        .contains("\"stackTrace\":\"");
    assertThat(status("GET", "/actuator/pump/billing"))
        .as("only the application's error queues are served, not its business queues")
        .isEqualTo(400);
    assertThat(status("DELETE", "/actuator/pump/billing/" + first)).isEqualTo(400);
    assertThat(status("GET", "/actuator/pump/error?reason=" + "x".repeat(300))).isEqualTo(400);
    assertThat(http("DELETE", "/actuator/pump/error/" + first)).contains("\"discarded\":1");
    assertThat(count("SELECT count(*) FROM pump.queue_message WHERE message_id = '" + first + "'"))
        .isZero();
    assertThat(http("POST", "/actuator/pump/error/" + second)).contains("\"retried\":1");
    assertThat(
            jdbc.queryForObject(
                "SELECT discarded_by FROM pump.discarded_message WHERE message_id = ?",
                String.class,
                first))
        .as("who discarded it, for the audit")
        .isEqualTo("actuator");
  }

  @Test
  void theActuatorListsRequeuesAndDiscardsParkedOutboxRows() throws Exception {
    // two sends parked in the transaction that wrote them: no dispatcher ever sees them pending
    List<Long> ids = new java.util.ArrayList<>();
    new org.springframework.transaction.support.TransactionTemplate(transactionManager)
        .executeWithoutResult(status -> {
          dev.pump.jdbc.OutboxSession session = storage.session(sender.endpoint());
          session.send("nowhere", new Messages.OrderPlaced("parked-1", 100));
          session.send("nowhere", new Messages.OrderPlaced("parked-2", 100));
          session.writeTo(
              org.springframework.jdbc.datasource.DataSourceUtils.getConnection(
                  storage.dataSource()));
          ids.addAll(
              jdbc.queryForList(
                  "UPDATE pump.outbox SET parked_at = now(), last_error = 'broker refused'"
                      + " WHERE destination = 'nowhere' RETURNING id",
                  Long.class));
        });
    assertThat(ids).hasSize(2);

    assertThat(http("GET", "/actuator/pump")).contains("\"parked\":[{").contains("broker refused");
    assertThat(http("GET", "/actuator/pump/outbox")).contains("\"id\":" + ids.get(0));
    assertThat(http("GET", "/actuator/pump/outbox/" + ids.get(0))).contains("broker refused");
    assertThat(http("DELETE", "/actuator/pump/outbox/" + ids.get(0))).contains("\"discarded\":1");
    assertThat(http("POST", "/actuator/pump/outbox/" + ids.get(1))).contains("\"retried\":1");
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL")).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM pump.discarded_message WHERE source = 'outbox'"
                    + " AND reason = 'broker refused' AND discarded_by = 'actuator'"))
        .isEqualTo(1);
  }

  private String errorQueueMessageId(String orderId) {
    return jdbc.queryForObject(
        "SELECT message_id FROM pump.queue_message WHERE queue = 'error'"
            + " AND position(? in convert_from(body, 'UTF8')) > 0",
        String.class,
        orderId);
  }

  private String http(String method, String path) throws Exception {
    HttpResponse<String> response = send(method, path);
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
    return response.body();
  }

  private int status(String method, String path) throws Exception {
    return send(method, path).statusCode();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    String port = environment.getProperty("local.server.port");
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private long outboxRowsMentioning(String text) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM pump.outbox WHERE position(? in convert_from(body, 'UTF8')) > 0",
        Long.class,
        text);
  }

  private long count(String sql) {
    return jdbc.queryForObject(sql, Long.class);
  }
}
