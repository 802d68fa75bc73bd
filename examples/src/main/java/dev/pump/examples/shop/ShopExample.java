package dev.pump.examples.shop;

// This file is long because it is the whole story in one place, phase by phase; the shop itself
// is in Shop (endpoints and handlers) and ShopDatabase (pool and migrations).

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.kafka.KafkaTransport;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * The shop: orders, billing and shipping in one process, on embedded PostgreSQL unless told
 * otherwise. It plays a day in production, one line per phase: rush hour with bounded concurrency,
 * duplicates skipped by the inbox, a transient failure retried, a poison message parked and retried
 * after a fix, the dispatcher's batching, a graceful stop and a restart. Then it prints a summary,
 * runs the audit queries of {@code docs/operations.md} on its own database, and exits 0 only if the
 * counts prove every effect happened exactly once.
 *
 * <p>Run it with {@code ./mvnw -q -pl examples -am verify -DskipTests -Pexample}; {@code
 * -Dexec.args="--help"} lists the options ({@link ShopSettings#USAGE}).
 */
public final class ShopExample {
  private static final int RUSH_HOUR_ORDERS = 200;
  private static final int RETRIED_REQUESTS = 20;
  private static final int RELAYED_AGAIN = 10;
  private static final int LATE_ORDERS = 60;
  private static final String POISON_ORDER = "order-0007";
  private static final List<String> CITIES = List.of("Bern", "Basel", "Geneva", "Zurich");
  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(45);

  private ShopExample() {}

  /** Runs the example; exits with status 1 if the counts do not prove exactly-once effects. */
  public static void main(String[] args) {
    if (List.of(args).contains("--help")) {
      System.out.print(ShopSettings.USAGE);
      return;
    }
    ShopSettings settings;
    try {
      settings = ShopSettings.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(ShopSettings.USAGE);
      System.exit(2);
      return;
    }
    ShopSummary summary;
    try {
      summary = run(settings, System.out);
    } catch (RuntimeException e) {
      System.err.println("The shop example failed: " + e);
      System.exit(1);
      return;
    }
    if (!summary.exactlyOnce()) {
      System.exit(1);
    }
  }

  /** Plays the whole story with {@code settings}, printing it to {@code out}. */
  public static ShopSummary run(ShopSettings settings, PrintStream out) {
    Instant began = Instant.now();
    try (ShopDatabase database = ShopDatabase.open(settings)) {
      database.prepare();
      try (JdbcStorage storage =
              JdbcStorage.builder()
                  .dataSource(database.dataSource())
                  .schema(ShopDatabase.PUMP_SCHEMA)
                  .build();
          Transport transport = transport(settings, storage)) {
        out.printf(
            "The shop: orders, billing and shipping on %s, messages through %s.%n",
            database.description(),
            settings.broker() ? settings.transportName() : "PostgreSQL queues");
        return new Story(settings, storage, transport, out, began).play();
      }
    }
  }

  private static Transport transport(ShopSettings settings, JdbcStorage storage) {
    if (settings.rabbitMq()) {
      return RabbitMqTransport.builder()
          .uri(settings.rabbitMqUri())
          .prefetch(Shop.CONCURRENCY)
          .build();
    }
    if (settings.kafka()) {
      return KafkaTransport.builder()
          .bootstrapServers(settings.kafkaBootstrap())
          .clientId("shop")
          .maxInFlight(2 * Shop.CONCURRENCY) // fetched ahead while the pump handles its share
          .build();
    }
    return PostgresTransport.builder().storage(storage).build();
  }

  /** The phases, in order, over one database and transport. */
  private static final class Story {
    private final ShopSettings settings;
    private final JdbcStorage storage;
    private final Transport transport;
    private final PrintStream out;
    private final Instant began;
    private final Jdbi jdbi;
    private final Observations seen = new Observations();
    private final Endpoint web;
    private int placed;

    Story(
        ShopSettings settings,
        JdbcStorage storage,
        Transport transport,
        PrintStream out,
        Instant began) {
      this.settings = settings;
      this.storage = storage;
      this.transport = transport;
      this.out = out;
      this.began = began;
      this.jdbi = storage.jdbi();
      // the web front end only sends, through the transactional session: never started
      this.web =
          Endpoint.builder()
              .name("web")
              .transport(transport)
              .storage(storage)
              .route(PlaceOrder.class, "orders")
              .build();
    }

    ShopSummary play() {
      boolean poisonParked;
      boolean poisonRetried;
      Shop first = new Shop(storage, transport, seen);
      first.start();
      try {
        rushHour();
        duplicates();
        transientFailure();
        poisonParked = poisonMessage();
        poisonRetried = fixAndRetry(first);
      } catch (RuntimeException e) {
        first.close();
        throw e;
      }
      long relayedSoFar = first.dispatcher().counters().rowsDispatched();
      long batchesSoFar = first.dispatcher().counters().batchesSent();
      out.printf(
          "6. Batching: the dispatcher relayed %d messages in %d transport operations"
              + " (%d saved), grouping each destination's messages into batches.%n",
          relayedSoFar, batchesSoFar, relayedSoFar - batchesSoFar);

      Shop second = gracefulStopAndRestart(first);
      try {
        waitUntil("the restarted shop to finish every order", this::allDone);
      } finally {
        second.close();
      }
      // both instances' dispatchers, each read after it stopped
      long dispatched =
          first.dispatcher().counters().rowsDispatched()
              + second.dispatcher().counters().rowsDispatched();
      long batches =
          first.dispatcher().counters().batchesSent()
              + second.dispatcher().counters().batchesSent();
      out.printf(
          "8. Stopped: every order handled, nothing left in the outbox%s.%n",
          settings.broker() ? "" : " or in the queues");

      ShopSummary summary = summary(dispatched, batches, poisonParked, poisonRetried);
      summary.print(out);
      audit();
      out.println();
      out.println(
          summary.exactlyOnce()
              ? "Exactly-once effects: every order was stored, charged, paid and shipped once."
              : "NOT exactly once: " + summary.problems());
      out.printf("Done in %.1f s.%n", Duration.between(began, Instant.now()).toMillis() / 1000.0);
      return summary;
    }

    private void rushHour() {
      // a client that retries its request sends the same order, with the same message id, again
      for (int i = 1; i <= RUSH_HOUR_ORDERS; i++) {
        placeOrder(i);
        if (i % (RUSH_HOUR_ORDERS / RETRIED_REQUESTS) == 0) {
          placeOrderAgain(i);
        }
      }
      waitUntil(
          "the rush hour's orders to be stored",
          () -> count("SELECT count(*) FROM shop.orders") == RUSH_HOUR_ORDERS);
      out.printf(
          "1. Rush hour: %d orders arrived at once; orders handled them %d at a time at most"
              + " (its concurrency is %d), the rest waited in the queue.%n",
          RUSH_HOUR_ORDERS, seen.maxPlacing(), Shop.CONCURRENCY);
    }

    private void duplicates() {
      // everything but the poison order's shipment is done once the dust settles
      waitUntil(
          "billing and shipping to catch up",
          () ->
              count("SELECT count(*) FROM shop.charge") == RUSH_HOUR_ORDERS
                  && count("SELECT count(*) FROM shop.shipment") == RUSH_HOUR_ORDERS - 1
                  && count("SELECT coalesce(sum(payments), 0) FROM shop.orders")
                      == RUSH_HOUR_ORDERS);
      // as if the dispatcher had died between sending these events and marking them sent
      int again =
          jdbi.withHandle(h ->
              h.execute(
                  "UPDATE "
                      + storage.schema().table("outbox")
                      + " SET dispatched_at = NULL, due_at = now() WHERE id IN (SELECT id FROM "
                      + storage.schema().table("outbox")
                      + " WHERE kind = 'publish' AND dispatched_at IS NOT NULL"
                      + " AND causation_id <> ? ORDER BY id LIMIT ?)",
                  POISON_ORDER,
                  RELAYED_AGAIN));
      long expected = RETRIED_REQUESTS + 2L * again; // each event reaches billing and shipping
      waitUntil("the relayed copies to arrive", () -> duplicatesSkipped() >= expected);
      out.printf(
          "2. Duplicates: %d orders were submitted twice (a client retrying) and %d events were"
              + " relayed again (as after a dispatcher crash); the inboxes skipped all %d copies.%n",
          RETRIED_REQUESTS, again, duplicatesSkipped());
    }

    private void transientFailure() {
      waitUntil("the flaky charge", () -> seen.chargeAttempts() >= 3);
      out.printf(
          "3. Transient failure: charging %s timed out twice; the third attempt, an immediate"
              + " retry, succeeded and charged it once.%n",
          Shop.FLAKY_CHARGE);
    }

    private boolean poisonMessage() {
      int attempts =
          6; // the first attempt and 2 immediate retries, twice: before and after a delay
      waitUntil("the poison message's last attempt", () -> seen.shippingFailures() >= attempts);
      String reason;
      if (settings.broker()) {
        reason = "a queue on the broker";
      } else {
        waitUntil(
            "the error queue",
            () -> count("SELECT count(*) FROM shop_pump.audit_error_queue") == 1);
        reason =
            jdbi.withHandle(h ->
                h.createQuery(
                        "SELECT 'its record: ' || reason || ', \"' || exception_message || '\"'"
                            + " FROM shop_pump.audit_error_queue")
                    .mapTo(String.class)
                    .one());
      }
      out.printf(
          "4. Poison message: shipping %s to Atlantis failed %d times (no delivery zone); it was"
              + " parked in the error queue (%s), and the other orders went on.%n",
          POISON_ORDER, seen.shippingFailures(), reason);
      return true;
    }

    private boolean fixAndRetry(Shop shop) {
      jdbi.useHandle(h -> h.execute("INSERT INTO shop.delivery_zone (city) VALUES ('Atlantis')"));
      String id = seen.failedShipment();
      waitUntil(
          "the error queue to give back " + id, () -> shop.shipping().failedMessages().retry(id));
      waitUntil(
          "the retried shipment",
          () -> count("SELECT count(*) FROM shop.shipment") == RUSH_HOUR_ORDERS);
      long shipped =
          count("SELECT count(*) FROM shop.shipment WHERE order_id = '" + POISON_ORDER + "'");
      out.printf(
          "5. Fix and retry: Atlantis got a delivery zone; %s was retried from the error queue"
              + " and shipped %s.%n",
          POISON_ORDER, shipped == 1 ? "once" : shipped + " times");
      return shipped == 1;
    }

    private Shop gracefulStopAndRestart(Shop first) {
      for (int i = RUSH_HOUR_ORDERS + 1; i <= RUSH_HOUR_ORDERS + LATE_ORDERS; i++) {
        placeOrder(i);
      }
      waitUntil(
          "the late orders to be under way",
          () -> count("SELECT count(*) FROM shop.orders") >= RUSH_HOUR_ORDERS + 10);
      int inFlight = seen.placingNow();
      first.close();
      long stored = count("SELECT count(*) FROM shop.orders") - RUSH_HOUR_ORDERS;
      out.printf(
          "7. Graceful stop: %d more orders came in; the shop stopped while %d were being handled:"
              + " they finished and committed, %d stored in all; %d waited untouched in the queue.%n",
          LATE_ORDERS, inFlight, stored, LATE_ORDERS - stored);
      Shop second = new Shop(storage, transport, seen);
      second.start();
      out.printf("   Restarted: a new instance picks up where the first one stopped.%n");
      return second;
    }

    private boolean allDone() {
      return count("SELECT count(*) FROM shop.shipment") == placed
          && count("SELECT count(*) FROM shop.charge") == placed
          && count("SELECT coalesce(sum(payments), 0) FROM shop.orders") == placed
          && pendingOutbox() == 0
          && (settings.broker() || count("SELECT count(*) FROM shop_pump.queue_message") == 0);
    }

    private ShopSummary summary(
        long dispatched, long batches, boolean poisonParked, boolean poisonRetried) {
      return new ShopSummary(
          placed,
          RETRIED_REQUESTS,
          count("SELECT count(*) FROM shop.orders"),
          count("SELECT count(DISTINCT order_id) FROM shop.orders"),
          count("SELECT count(*) FROM shop.charge"),
          count("SELECT count(DISTINCT order_id) FROM shop.charge"),
          count("SELECT coalesce(sum(payments), 0) FROM shop.orders"),
          count("SELECT count(*) FROM shop.orders WHERE payments <> 1"),
          count("SELECT count(*) FROM shop.shipment"),
          count("SELECT count(DISTINCT order_id) FROM shop.shipment"),
          RETRIED_REQUESTS + 2L * RELAYED_AGAIN,
          duplicatesSkipped(),
          (seen.chargeAttempts() - 1) + (seen.shippingFailures() - 1),
          poisonParked ? 1 : 0,
          poisonRetried ? 1 : 0,
          dispatched,
          batches,
          seen.maxPlacing(),
          Shop.CONCURRENCY,
          pendingOutbox()
              + count("SELECT count(*) FROM shop_pump.outbox WHERE parked_at IS NOT NULL"),
          settings.broker() ? 0 : count("SELECT count(*) FROM shop_pump.audit_error_queue"));
    }

    private void audit() {
      out.println();
      out.println("Audit: the queries of docs/operations.md, on this run's database.");
      Map<String, String> variables =
          Map.of(
              "message_id",
              POISON_ORDER,
              "conversation_id",
              POISON_ORDER,
              "destination",
              "orders",
              "from",
              began.toString(),
              "to",
              Instant.now().plusSeconds(1).toString());
      for (AuditQueries.Query query : AuditQueries.shopQueries()) {
        out.println("  " + query.title() + ":");
        try {
          AuditQueries.print(
              AuditQueries.run(
                  storage.dataSource(), storage.schema().value(), query.sql(), variables),
              out);
        } catch (SQLException e) {
          out.println("     failed: " + e.getMessage());
        }
      }
    }

    private void placeOrder(int number) {
      placed++;
      send(number);
    }

    private void placeOrderAgain(int number) {
      send(number);
    }

    // the transactional session: the command is in the outbox if and only if this commits
    private void send(int number) {
      String orderId = "order-%04d".formatted(number);
      String city = orderId.equals(POISON_ORDER) ? "Atlantis" : CITIES.get(number % CITIES.size());
      PlaceOrder order = new PlaceOrder(orderId, "customer-" + (number % 37), city, 1000L + number);
      storage.inTransaction(
          web,
          (handle, sender) -> {
            sender.send(order, SendOptions.builder().messageId(orderId).build());
            return null;
          });
    }

    private long duplicatesSkipped() {
      return count("SELECT coalesce(sum(duplicates), 0) FROM shop_pump.inbox");
    }

    private long pendingOutbox() {
      return count(
          "SELECT count(*) FROM shop_pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL");
    }

    private long count(String sql) {
      Long value = jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
      return value == null ? 0 : value;
    }

    // The example waits by polling the database; the tests use Awaitility for the same.
    private void waitUntil(String what, BooleanSupplier condition) {
      long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "waited " + PHASE_TIMEOUT.toSeconds() + " s for " + what + " in vain");
        }
        try {
          Thread.sleep(25);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
      }
    }
  }
}
