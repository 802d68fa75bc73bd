package dev.pump.rabbitmq;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.jdbc.DispatcherCounters;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpDataSources;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Not a test: an end-to-end rate on RabbitMQ with PostgreSQL's outbox. Runs the {@link OrderFlow}
 * of {@link RabbitMqOutboxEndToEndTest} without outages or failures: orders are placed through the
 * transactional session (each twice, with one message id), the dispatcher relays the outbox to
 * RabbitMQ, orders handles the command and publishes OrderPlaced, billing and shipping handle it.
 *
 * <ul>
 *   <li>{@code mode=steady} (default): after a warm-up, {@code producers} threads place the orders
 *       while the flow runs; the clock runs from the first order placed to the last shipment and
 *       charge written, the outbox drained and every duplicate skipped, so placing, relaying and
 *       handling are all in it.
 *   <li>{@code mode=backlog}: the orders are placed before anything starts (no warm-up); the clock
 *       runs from the start of the endpoints and the dispatcher to the same end: relaying and
 *       handling only.
 * </ul>
 *
 * <p>PostgreSQL is embedded (zonky, the testkit's binaries) in a fresh data directory; RabbitMQ is
 * {@code PUMP_TEST_RABBITMQ_URI}, else the local broker. Run after {@code test-compile}: {@code
 * java -cp <test classpath> dev.pump.rabbitmq.EndToEndMeasurement [orders=2000] [concurrency=8]
 * [producers=4] [mode=steady|backlog] [fsync=off|on]}; {@code fsync=off} is what the tests run,
 * {@code on} gives a durable database's figure.
 */
public final class EndToEndMeasurement {
  private static final int WARM_UP_ORDERS = 300;

  private EndToEndMeasurement() {}

  /** Runs the measurement and prints the figures. */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      String[] pair = arg.split("=", 2);
      options.put(pair[0], pair.length > 1 ? pair[1] : "");
    }
    int orders = Integer.parseInt(options.getOrDefault("orders", "2000"));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "8"));
    int producers = Integer.parseInt(options.getOrDefault("producers", "4"));
    boolean backlog = options.getOrDefault("mode", "steady").equals("backlog");
    boolean fsync = options.getOrDefault("fsync", "off").equals("on");
    try (EmbeddedPostgres postgres =
            EmbeddedPostgres.builder()
                .setServerConfig("fsync", fsync ? "on" : "off")
                .setServerConfig("full_page_writes", fsync ? "on" : "off")
                .setServerConfig("max_connections", "300")
                .start();
        HikariDataSource pool =
            PumpDataSources.pooled(
                postgres.getJdbcUrl("postgres", "postgres"),
                "postgres",
                "",
                3 * concurrency + producers + 4);
        BrokerAdmin admin = new BrokerAdmin()) {
      await().atMost(Duration.ofMinutes(5)).until(() -> admin.tryLock(OrderFlow.BROKER_LOCK));
      OrderFlow.EXCHANGES.forEach(admin::deleteSharedExchangeLater);
      JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build();
      OrderFlow.createTables(storage.jdbi());
      OrderFlow.Queues queues =
          new OrderFlow.Queues(
              admin.queueName("measure-orders"),
              admin.queueName("measure-billing"),
              admin.queueName("measure-shipping"),
              admin.queueName("measure-error"));
      try (RabbitMqTransport transport =
              RabbitMqTransport.builder()
                  .uri(RabbitMqBroker.uri())
                  .connectionName("pump-end-to-end-measurement")
                  .prefetch(concurrency)
                  .build();
          OrderFlow flow =
              new OrderFlow(
                  storage,
                  transport,
                  queues,
                  concurrency,
                  Recoverability.defaults(), // delayed retries would wait in the outbox
                  id -> false,
                  UnaryOperator.identity())) {
        DispatcherCounters counters = flow.dispatcher().counters();
        if (!backlog) {
          flow.start();
          place(flow, "warm-", WARM_UP_ORDERS, producers);
          awaitDone(flow, storage, WARM_UP_ORDERS);
        }
        long rowsBefore = counters.rowsDispatched();
        long batchesBefore = counters.batchesSent();
        long cyclesBefore = counters.cycles();
        long confirmWaitsBefore = transport.publishStatistics().confirmWaits();
        double placing;
        long start;
        if (backlog) {
          placing = place(flow, "order-", orders, producers);
          start = System.nanoTime();
          flow.start();
        } else {
          start = System.nanoTime();
          placing = place(flow, "order-", orders, producers);
        }
        awaitDone(flow, storage, (backlog ? 0 : WARM_UP_ORDERS) + orders);
        double seconds = (System.nanoTime() - start) / 1e9;
        long rows = counters.rowsDispatched() - rowsBefore;
        long batches = counters.batchesSent() - batchesBefore;
        System.out.printf(
            Locale.ROOT,
            "%s: %d orders (each placed twice), concurrency %d per endpoint, %d producers,"
                + " fsync %s%n"
                + "  placed: %d session transactions in %.2f s (%.0f/s)%n"
                + "  end to end: %.2f s; %d messages handled with an effect (command + 2 events per"
                + " order): %.0f msg/s; with the %d duplicates skipped: %.0f msg/s%n"
                + "  dispatcher: %d rows dispatched in %d batches (%.1f rows per batch, %d cycles),"
                + " %d failed; %d confirm waits%n",
            backlog ? "backlog" : "steady",
            orders,
            concurrency,
            producers,
            fsync ? "on" : "off",
            2 * orders,
            placing,
            2 * orders / placing,
            seconds,
            3L * orders,
            3 * orders / seconds,
            orders,
            4 * orders / seconds,
            rows,
            batches,
            (double) rows / batches,
            counters.cycles() - cyclesBefore,
            counters.batchesFailed(),
            transport.publishStatistics().confirmWaits() - confirmWaitsBefore);
      }
    }
  }

  /** Places orders {@code prefix0..n-1}, each twice, from {@code producers} threads. */
  private static double place(OrderFlow flow, String prefix, int orders, int producers)
      throws InterruptedException {
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      threads.add(
          Thread.ofPlatform()
              .name("producer-" + p)
              .start(() -> {
                for (int i = next.getAndIncrement(); i < orders; i = next.getAndIncrement()) {
                  flow.placeOrder(prefix + i);
                  flow.placeOrder(prefix + i);
                }
              }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static void awaitDone(OrderFlow flow, JdbcStorage storage, int expected) {
    await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() ->
            flow.count("SELECT count(*) FROM shipment") >= expected
                && flow.count("SELECT count(*) FROM charge") >= expected
                && storage.operations().duplicatesSkipped() >= expected
                && flow.pendingInOutbox() == 0);
  }
}
