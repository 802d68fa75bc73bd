package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.jdbc.DispatcherCounters;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OrderFlow;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TcpRelay;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 6, end to end: PostgreSQL holds the business data, the inbox and the outbox; RabbitMQ
 * carries the messages; the {@link dev.pump.jdbc.OutboxDispatcher} relays the outbox (see {@link
 * OrderFlow}). Every command is placed twice with one message id, the broker connections are cut
 * twice mid-run, and some charges fail until a delayed retry, which RabbitMQ cannot delay: it waits
 * in the outbox. Afterwards every order has exactly one order row, one charge and one shipment,
 * each endpoint's inbox holds one row per order, nothing is parked or pending in the outbox, and
 * nothing unhandled is left in a queue.
 *
 * <p>The outage is a {@link TcpRelay} between the transport and the broker rather than {@code
 * rabbitmqctl close_all_connections}: it needs no access to the broker's host (CI may point {@code
 * PUMP_TEST_RABBITMQ_URI} anywhere), does not disturb other clients of a shared broker, and, unlike
 * a close from the broker side, also refuses reconnections while it lasts, so the outage has a
 * length the test controls: it ends only after the client was refused and the dispatcher failed.
 */
@ExtendWith(PostgresExtension.class)
class RabbitMqOutboxEndToEndTest {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqOutboxEndToEndTest.class);
  private static final int ORDERS = 600;
  private static final int CONCURRENCY = 8;
  private static final Duration WAIT = Duration.ofSeconds(45);

  /** These orders' charges fail in every immediate retry of the first round: every 20th. */
  private static final Predicate<String> FLAKY =
      id -> Integer.parseInt(id.substring("order-".length())) % 20 == 0;

  /**
   * The exchanges the flow declares, one per topic, named after the type as pump-core names topics
   * (the binary name with dots for {@code $}): those publishing OrderPlaced uses, and PlaceOrder's,
   * to which the orders endpoint subscribes like to every type it handles. Shared by every run on a
   * broker.
   */
  private static final List<String> EXCHANGES =
      Stream.of(OrderFlow.OrderPlaced.class, OrderFlow.OrderEvent.class, OrderFlow.PlaceOrder.class)
          .map(type -> type.getName().replace('$', '.'))
          .toList();

  /**
   * A broker-wide lock ({@link BrokerAdmin#tryLock}) to hold while a flow runs: runs on one broker
   * (parallel builds, the measurement) share {@link #EXCHANGES}, so the events of one would reach
   * the subscribers of another.
   */
  private static final String BROKER_LOCK = "pump-test-order-flow-lock";

  private BrokerAdmin admin;
  private TcpRelay proxy;
  private RabbitMqTransport transport;
  private HikariDataSource pool;
  private OrderFlow flow;

  @BeforeEach
  void connect() throws Exception {
    admin = new BrokerAdmin(); // skips (or fails, in CI) here when there is no broker
    await("the broker-wide lock of this test")
        .atMost(Duration.ofMinutes(2))
        .until(() -> admin.tryLock(BROKER_LOCK));
    EXCHANGES.forEach(admin::deleteSharedExchangeLater);
    proxy = new TcpRelay(RabbitMqBroker.host(), RabbitMqBroker.port());
    transport =
        RabbitMqTransport.builder()
            .uri(proxy.uri(RabbitMqBroker.uri()))
            .connectionName("pump-end-to-end-test")
            .prefetch(CONCURRENCY)
            .networkRecoveryInterval(Duration.ofMillis(100))
            .confirmTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterEach
  void closeEverything() throws Exception {
    if (flow != null) {
      flow.close();
    }
    if (transport != null) {
      transport.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (admin != null) {
      admin.close(); // deletes the queues and, if no other run uses them, the exchanges
    }
  }

  @Test
  void noMessageIsLostAndNoEffectDoubledThroughDuplicatesOutagesAndDelayedRetries(TestDatabase db)
      throws Exception {
    // 3 endpoints x concurrency, the dispatcher, the session, the test's own queries
    pool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 3 * CONCURRENCY + 4);
    JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build();
    OrderFlow.createTables(storage.jdbi());
    OrderFlow.Queues queues =
        new OrderFlow.Queues(
            admin.queueName("orders"),
            admin.queueName("billing"),
            admin.queueName("shipping"),
            admin.queueName("error"));
    // delayed retries on a transport without delayed delivery: accepted because the storage holds
    // delayed messages; a failed round goes into the outbox, due later, and reaches RabbitMQ then
    assertThat(storage.holdsDelayedMessages()).isTrue();
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
                    .pollInterval(Duration.ofMillis(100)) // finds delayed rows soon after due
                    .retryBackoff(Duration.ofMillis(50))
                    // each failed batch counts an attempt of its rows: at 500 ms apart, 100
                    // attempts ride out any outage here, however slow the machine (default 10)
                    .maxAttempts(100)
                    .maxRetryBackoff(Duration.ofMillis(500))
                    .circuitBreakerThreshold(3)
                    .circuitBreakerPause(Duration.ofMillis(250)));
    List<String> ids = IntStream.range(0, ORDERS).mapToObj(i -> "order-" + i).toList();
    long flaky = ids.stream().filter(FLAKY).count();
    assertThat(flaky).isPositive();
    DispatcherCounters counters = flow.dispatcher().counters();
    flow.start();

    long started = System.nanoTime();
    place(ids.subList(0, ORDERS / 3));

    // outage 1: the broker is unreachable while a third of the orders is placed; the database is
    // not, so they wait in the outbox and the dispatcher's batches fail until the broker is back
    long failedBefore = counters.batchesFailed();
    long refusedBefore = proxy.refusedConnections();
    proxy.cut();
    place(ids.subList(ORDERS / 3, 2 * ORDERS / 3));
    await("the dispatcher fails and the client is refused during outage 1")
        .atMost(WAIT)
        .until(() ->
            counters.batchesFailed() > failedBefore && proxy.refusedConnections() > refusedBefore);
    proxy.restore();

    place(ids.subList(2 * ORDERS / 3, ORDERS));

    // outage 2: with the endpoints busy handling, whatever they had not acknowledged comes again
    long refusedBefore2 = proxy.refusedConnections();
    proxy.cut();
    await("the client is refused during outage 2")
        .atMost(WAIT)
        .until(() -> proxy.refusedConnections() > refusedBefore2);
    proxy.restore();

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          Progress progress = progress(storage, queues);
          assertThat(progress.settled())
              .as(
                  "every order placed, charged and shipped, the outbox and the queues drained: %s",
                  progress)
              .isTrue();
        });
    double seconds = (System.nanoTime() - started) / 1e9;
    flow.close();
    transport.close(); // anything still unacknowledged goes back to its queue and shows below
    log.info(
        "{} orders (each placed twice, two outages, {} delayed retries) in {} s; dispatcher: {} rows"
            + " in {} batches, {} failed batches; inbox skipped {} duplicates ({} beyond the"
            + " placed copies)",
        ORDERS,
        flaky,
        String.format("%.1f", seconds),
        counters.rowsDispatched(),
        counters.batchesSent(),
        counters.batchesFailed(),
        storage.operations().duplicatesSkipped(),
        storage.operations().duplicatesSkipped() - ORDERS);

    // nothing lost, nothing doubled
    assertThat(flow.count("SELECT count(*) FROM orders")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(DISTINCT order_id) FROM orders")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(*) FROM charge")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(DISTINCT order_id) FROM charge")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(*) FROM shipment")).isEqualTo(ORDERS);
    assertThat(flow.count("SELECT count(DISTINCT order_id) FROM shipment")).isEqualTo(ORDERS);
    assertThat(
            flow.count(
                "SELECT count(*) FROM orders o JOIN charge c USING (order_id)"
                    + " JOIN shipment s USING (order_id)"))
        .isEqualTo(ORDERS);
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

    // the flaky charges succeeded in the delayed round, which waited in the outbox
    assertThat(flow.count("SELECT count(*) FROM charge WHERE delayed_round = 1")).isEqualTo(flaky);
    assertThat(flow.count("SELECT count(*) FROM charge WHERE delayed_round > 1")).isZero();
    assertThat(
            flow.count(
                "SELECT count(DISTINCT message_id) FROM "
                    + storage.schema().table("outbox")
                    + " WHERE endpoint = 'billing' AND destination = '"
                    + queues.billing()
                    + "' AND headers->>'pump.retries.delayed' = '1'"
                    + " AND dispatched_at IS NOT NULL"))
        .isEqualTo(flaky);

    // the outages were real: batches failed and were sent again, not parked
    assertThat(counters.batchesFailed()).isPositive();
    assertThat(counters.rowsParked()).isZero();
    assertThat(storage.operations().parked(10)).isEmpty();
    assertThat(flow.pendingInOutbox()).isZero();
    assertThat(admin.readyMessages(queues.error())).isZero();
    // nothing unhandled left on the broker: a message still there now (a redelivered copy that sat
    // in a consumer's buffer when the endpoints stopped) must be one its endpoint already handled
    Map<String, String> queueOf =
        Map.of(
            "orders", queues.orders(), "billing", queues.billing(), "shipping", queues.shipping());
    queueOf.forEach((endpoint, queue) -> {
      List<String> left = admin.takeMessageIds(queue);
      List<String> handled =
          storage
              .jdbi()
              .withHandle(h ->
                  h.createQuery(
                          "SELECT message_id FROM "
                              + storage.schema().table("inbox")
                              + " WHERE endpoint = :endpoint")
                      .bind("endpoint", endpoint)
                      .mapTo(String.class)
                      .list());
      assertThat(handled).as("left in %s", queue).containsAll(left);
    });
  }

  /** Where the flow stands; shown when it does not settle in time. */
  private record Progress(
      long orders,
      long charges,
      long shipments,
      long duplicatesSkipped,
      long pendingInOutbox,
      long parked,
      long readyInQueues) {
    boolean settled() {
      return orders >= ORDERS
          && charges >= ORDERS
          && shipments >= ORDERS
          && duplicatesSkipped >= ORDERS
          && pendingInOutbox == 0
          && readyInQueues == 0;
    }
  }

  private Progress progress(JdbcStorage storage, OrderFlow.Queues queues) throws Exception {
    return new Progress(
        flow.count("SELECT count(*) FROM orders"),
        flow.count("SELECT count(*) FROM charge"),
        flow.count("SELECT count(*) FROM shipment"),
        storage.operations().duplicatesSkipped(),
        flow.pendingInOutbox(),
        flow.count(
            "SELECT count(*) FROM "
                + storage.schema().table("outbox")
                + " WHERE parked_at IS NOT NULL"),
        admin.readyMessages(queues.orders())
            + admin.readyMessages(queues.billing())
            + admin.readyMessages(queues.shipping()));
  }

  private void place(List<String> ids) {
    for (String id : ids) {
      flow.placeOrder(id); // a client retrying its request: the same command, the same id
      flow.placeOrder(id);
    }
  }
}
