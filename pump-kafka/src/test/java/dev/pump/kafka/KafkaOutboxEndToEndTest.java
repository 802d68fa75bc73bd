package dev.pump.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.QueueBrowser.Decision;
import dev.pump.jdbc.DispatcherCounters;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OrderFlow;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.kafka.internal.DefaultKafkaTransport;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end on Kafka: PostgreSQL holds the business data, the inbox and the outbox; Kafka carries
 * the messages; the dispatcher relays the outbox (see {@link OrderFlow}). Every command is placed
 * twice with one message id, the billing and shipping consumers are lost twice mid-run (as when
 * their process goes away: what they handed out and did not settle comes back, counted as delivered
 * before), and some charges fail until a delayed retry, which waits in the outbox. Afterwards every
 * order has exactly one order row, one charge and one shipment, each endpoint's inbox one row per
 * order, and nothing is parked, pending or in the error topic.
 */
@ExtendWith(PostgresExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaOutboxEndToEndTest {
  private static final int ORDERS = 300;
  private static final int CONCURRENCY = 8;
  private static final Duration WAIT = Duration.ofSeconds(90);

  /** These orders' charges fail in every immediate retry of the first round: every 20th. */
  private static final Predicate<String> FLAKY =
      id -> Integer.parseInt(id.substring("order-".length())) % 20 == 0;

  private KafkaTransport transport;
  private HikariDataSource pool;
  private OrderFlow flow;

  @AfterEach
  void closeEverything() {
    if (flow != null) {
      flow.close();
    }
    if (transport != null) {
      transport.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void noMessageIsLostAndNoEffectDoubledThroughDuplicatesLostConsumersAndDelayedRetries(
      TestDatabase db) throws Exception {
    // topics of their own, event topics included, so runs on one broker never mix
    transport =
        KafkaTestSupport.transport()
            .topicPrefix("e2e-" + UUID.randomUUID().toString().substring(0, 8) + ".")
            .maxInFlight(CONCURRENCY)
            .build();
    pool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 3 * CONCURRENCY + 4);
    JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build();
    OrderFlow.createTables(storage.jdbi());
    OrderFlow.Queues queues = new OrderFlow.Queues("orders", "billing", "shipping", "error");
    assertThat(transport.capabilities().delayedDelivery()).isFalse();
    Recoverability recoverability =
        Recoverability.builder()
            .immediateRetries(2)
            .delayedRetries(2)
            .delayedRetryIncrement(Duration.ofMillis(300))
            .errorQueue(queues.error())
            .build();
    flow =
        new OrderFlow(
            storage,
            transport,
            queues,
            CONCURRENCY,
            recoverability,
            FLAKY,
            dispatcher ->
                dispatcher
                    .pollInterval(Duration.ofMillis(100))
                    .retryBackoff(Duration.ofMillis(50))
                    .maxRetryBackoff(Duration.ofMillis(500)));
    List<String> ids = IntStream.range(0, ORDERS).mapToObj(i -> "order-" + i).toList();
    long flaky = ids.stream().filter(FLAKY).count();
    DispatcherCounters counters = flow.dispatcher().counters();
    flow.start();

    place(ids.subList(0, ORDERS / 3));
    await().atMost(WAIT).until(() -> flow.count("SELECT count(*) FROM charge") > 0);
    ((DefaultKafkaTransport) transport).closeConsumer(queues.billing());
    place(ids.subList(ORDERS / 3, 2 * ORDERS / 3));
    await().atMost(WAIT).until(() -> flow.count("SELECT count(*) FROM shipment") > ORDERS / 3);
    ((DefaultKafkaTransport) transport).closeConsumer(queues.shipping());
    place(ids.subList(2 * ORDERS / 3, ORDERS));

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() ->
            flow.count("SELECT count(*) FROM orders") >= ORDERS
                && flow.count("SELECT count(*) FROM charge") >= ORDERS
                && flow.count("SELECT count(*) FROM shipment") >= ORDERS
                && flow.pendingInOutbox() == 0);
    flow.close();

    assertThat(flow.count("SELECT count(*) FROM orders")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(DISTINCT order_id) FROM orders")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(*) FROM charge")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(DISTINCT order_id) FROM charge")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(*) FROM shipment")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(DISTINCT order_id) FROM shipment")).isEqualTo(ORDERS);
    for (String endpoint : List.of("orders", "billing", "shipping")) {
      assertThat(
              flow.count(
                  "SELECT count(*) FROM "
                      + storage.schema().table("inbox")
                      + " WHERE endpoint = '"
                      + endpoint
                      + "'"))
          .as("inbox rows of %s", endpoint)
          .isEqualTo(ORDERS);
    }
    assertThat(storage.operations().duplicatesSkipped()).isGreaterThanOrEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(*) FROM charge WHERE delayed_round = 1")).isEqualTo(flaky);
    assertThat(counters.rowsParked()).isZero();
    assertThat(transport.browser().orElseThrow().browse(queues.error(), 10, m -> Decision.KEEP))
        .as("messages in the error topic")
        .isZero();
  }

  private void place(List<String> ids) {
    for (String id : ids) {
      flow.placeOrder(id); // a client retrying its request: the same command, the same id
      flow.placeOrder(id);
    }
  }
}
