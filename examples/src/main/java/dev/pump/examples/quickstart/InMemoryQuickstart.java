package dev.pump.examples.quickstart;

import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.SendOptions;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Pump in one process, on the in-memory transport: bounded concurrency, a retry that succeeds, a
 * poison message parked in the error queue and retried from it after a fix, and a graceful stop. It
 * prints one line per phase. Run it with {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} to
 * see Pump's own log as well.
 */
public final class InMemoryQuickstart {
  /** Reserve stock for an order: the bulk of the traffic. */
  public record ReserveStock(int orderNumber) {}

  /** Charge a card: the gateway times out twice before it answers. */
  public record ChargeCard(int orderNumber) {}

  /** Ship an order: fails for an address the address book does not know yet. */
  public record ShipOrder(int orderNumber, String city) {}

  private static final int CONCURRENCY = 3;
  private static final int ORDERS = 30;

  /**
   * What happened, for the caller (and the test) to check.
   *
   * @param reserved ReserveStock messages handled
   * @param maxConcurrent the most handlers that ran at once
   * @param concurrencyLimit the endpoint's concurrency
   * @param chargeAttempts attempts the ChargeCard message needed
   * @param poisonParked whether the error queue held the poison message, with the queue it failed
   *     in recorded
   * @param poisonShippedAfterFix whether, retried from the error queue after the fix, order 7 was
   *     shipped exactly once
   * @param stoppedCleanly whether stop let the in-flight message finish and left nothing behind
   */
  public record Summary(
      int reserved,
      int maxConcurrent,
      int concurrencyLimit,
      int chargeAttempts,
      boolean poisonParked,
      boolean poisonShippedAfterFix,
      boolean stoppedCleanly) {
    /** Whether every phase did what it shows. */
    public boolean succeeded() {
      return reserved == ORDERS
          && maxConcurrent == concurrencyLimit
          && chargeAttempts == 3
          && poisonParked
          && poisonShippedAfterFix
          && stoppedCleanly;
    }
  }

  private InMemoryQuickstart() {}

  /** Runs the example; exits with status 1 if a phase did not behave as shown. */
  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
    }
    Summary summary = run(System.out);
    if (!summary.succeeded()) {
      System.exit(1);
    }
  }

  /** Runs every phase, printing what happens to {@code out}. */
  public static Summary run(PrintStream out) {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger reserved = new AtomicInteger();
    AtomicInteger chargeAttempts = new AtomicInteger();
    AtomicInteger shipped = new AtomicInteger();
    AtomicInteger order7Shipments = new AtomicInteger();
    AtomicInteger poisonAttempts = new AtomicInteger();
    // the first handlers wait until the limit is reached, so the output shows it is reached
    CountDownLatch limitReached = new CountDownLatch(CONCURRENCY);
    Set<String> knownCities = ConcurrentHashMap.newKeySet();
    knownCities.add("Bern");

    try (InMemoryTransport transport = InMemoryTransport.create()) {
      Endpoint shop =
          Endpoint.builder()
              .name("shop")
              .transport(transport)
              .concurrency(CONCURRENCY)
              .recoverability(
                  Recoverability.builder()
                      .immediateRetries(2)
                      .delayedRetries(1)
                      .delayedRetryIncrement(Duration.ofMillis(200))
                      .build())
              .handler(
                  ReserveStock.class,
                  (reserve, context) -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                      limitReached.countDown();
                      limitReached.await(10, TimeUnit.SECONDS);
                      Thread.sleep(20); // stands for a call to the stock service
                    } finally {
                      running.decrementAndGet();
                    }
                    reserved.incrementAndGet();
                  })
              .handler(
                  ChargeCard.class,
                  (charge, context) -> {
                    if (chargeAttempts.incrementAndGet() < 3) {
                      throw new IllegalStateException("payment gateway timed out");
                    }
                  })
              .handler(
                  ShipOrder.class,
                  (ship, context) -> {
                    if (ship.orderNumber() == 7) {
                      poisonAttempts.incrementAndGet();
                    }
                    if (!knownCities.contains(ship.city())) {
                      throw new IllegalArgumentException("no route to " + ship.city());
                    }
                    if (ship.orderNumber() == 999) {
                      Thread.sleep(300); // a slow shipment, in flight when stop begins
                    }
                    if (ship.orderNumber() == 7) {
                      order7Shipments.incrementAndGet();
                    }
                    shipped.incrementAndGet();
                  })
              .build();
      shop.start();

      for (int i = 1; i <= ORDERS; i++) {
        shop.withoutOutbox().send("shop", new ReserveStock(i));
      }
      waitUntil(() -> reserved.get() == ORDERS);
      out.printf(
          "1. Bounded concurrency: %d orders reserved, at most %d at a time (limit %d).%n",
          reserved.get(), maxRunning.get(), CONCURRENCY);

      shop.withoutOutbox().send("shop", new ChargeCard(1));
      waitUntil(() -> chargeAttempts.get() == 3 && transport.queueStats("shop").total() == 0);
      out.printf(
          "2. Retry then success: the card was charged on attempt %d, after two gateway"
              + " timeouts.%n",
          chargeAttempts.get());

      shop.withoutOutbox()
          .send(
              "shop",
              new ShipOrder(7, "Atlantis"),
              SendOptions.builder().messageId("ship-7").build());
      waitUntil(() -> transport.queueStats("error").ready() == 1);
      boolean parked = inErrorQueue(transport, "ship-7", "shop");
      out.printf(
          "3. Poison message: shipping order 7 to Atlantis failed %d times (a first attempt and"
              + " 2 immediate retries, then all that again after a delay); it %s.%n",
          poisonAttempts.get(),
          parked
              ? "was parked in the error queue, which records that it failed in queue shop"
              : "is NOT in the error queue");
      knownCities.add("Atlantis");
      boolean retried = shop.failedMessages().retry("ship-7");
      waitUntil(() -> shipped.get() == 1);
      out.printf(
          "4. Fix and retry: Atlantis added to the address book; order 7 retried from the error"
              + " queue and shipped %s.%n",
          order7Shipments.get() == 1 ? "once" : order7Shipments.get() + " times");

      shop.withoutOutbox().send("shop", new ShipOrder(999, "Bern"));
      waitUntil(() -> transport.queueStats("shop").inFlight() == 1);
      shop.stop(Duration.ofSeconds(5));
      boolean clean =
          shipped.get() == 2
              && transport.queueStats("shop").total() == 0
              && transport.queueStats("error").total() == 0;
      out.printf(
          "5. Graceful stop: stop waited for the slow shipment in flight; %s.%n",
          clean ? "it finished and nothing was left behind" : "something was left behind");

      return new Summary(
          reserved.get(),
          maxRunning.get(),
          CONCURRENCY,
          chargeAttempts.get(),
          parked,
          retried && order7Shipments.get() == 1,
          clean);
    }
  }

  // Looks at the error queue itself: receives its message, reads the failure record, and gives
  // the message back untouched.
  private static boolean inErrorQueue(Transport transport, String messageId, String failedIn) {
    try {
      Optional<ReceivedMessage> parked = transport.receive("error", Duration.ZERO);
      if (parked.isEmpty()) {
        return false;
      }
      parked.get().abandon(Duration.ZERO);
      return parked.get().messageId().equals(messageId)
          && failedIn.equals(parked.get().headers().get(Headers.FAILED_QUEUE));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // The example waits by polling; tests use Awaitility for the same.
  private static void waitUntil(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the example did not reach its next phase in 30 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
