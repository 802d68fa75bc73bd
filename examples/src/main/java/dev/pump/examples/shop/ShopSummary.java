package dev.pump.examples.shop;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The counts at the end of the shop's story, read from its own tables, and the verdict: did every
 * effect happen exactly once?
 *
 * @param ordersPlaced distinct orders the web front end placed
 * @param requestsRetried orders submitted a second time with the same message id
 * @param orders rows in {@code shop.orders}
 * @param distinctOrders distinct order ids in {@code shop.orders}
 * @param charges rows in {@code shop.charge}
 * @param distinctCharges distinct order ids in {@code shop.charge}
 * @param payments payments recorded on orders (ChargeCompleted handled)
 * @param ordersNotPaidOnce orders whose payment count is not exactly 1
 * @param shipments rows in {@code shop.shipment}
 * @param distinctShipments distinct order ids in {@code shop.shipment}
 * @param duplicatesInjected copies the story sent on purpose
 * @param duplicatesSkipped copies the inboxes skipped (the sum of {@code inbox.duplicates})
 * @param retries failed attempts that were tried again
 * @param parked messages moved to the error queue
 * @param retriedFromErrorQueue parked messages retried after the fix and handled
 * @param messagesRelayed outbox rows the dispatchers sent
 * @param transportOperations transport sends they needed
 * @param maxConcurrent the most order handlers that ran at once
 * @param concurrencyLimit the orders endpoint's concurrency
 * @param outboxLeft outbox rows neither dispatched nor parked, plus parked ones, at the end
 * @param errorQueueLeft messages still in the error queue at the end (PostgreSQL transport)
 */
public record ShopSummary(
    long ordersPlaced,
    long requestsRetried,
    long orders,
    long distinctOrders,
    long charges,
    long distinctCharges,
    long payments,
    long ordersNotPaidOnce,
    long shipments,
    long distinctShipments,
    long duplicatesInjected,
    long duplicatesSkipped,
    long retries,
    long parked,
    long retriedFromErrorQueue,
    long messagesRelayed,
    long transportOperations,
    int maxConcurrent,
    int concurrencyLimit,
    long outboxLeft,
    long errorQueueLeft) {

  /** Whether the counts prove exactly-once effects; {@link #problems()} says what is off if not. */
  public boolean exactlyOnce() {
    return problems().isEmpty();
  }

  /** Every count that breaks exactly-once effects, in words; empty when none does. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    expect(problems, "orders stored", orders, ordersPlaced);
    expect(problems, "distinct orders stored", distinctOrders, ordersPlaced);
    expect(problems, "charges", charges, ordersPlaced);
    expect(problems, "distinct orders charged", distinctCharges, ordersPlaced);
    expect(problems, "payments recorded", payments, ordersPlaced);
    expect(problems, "orders not paid exactly once", ordersNotPaidOnce, 0);
    expect(problems, "shipments", shipments, ordersPlaced);
    expect(problems, "distinct orders shipped", distinctShipments, ordersPlaced);
    expect(problems, "poison messages retried from the error queue", retriedFromErrorQueue, 1);
    expect(problems, "outbox rows left", outboxLeft, 0);
    expect(problems, "messages left in the error queue", errorQueueLeft, 0);
    if (duplicatesSkipped < duplicatesInjected) {
      problems.add(
          "duplicates skipped: " + duplicatesSkipped + ", fewer than " + duplicatesInjected);
    }
    if (maxConcurrent > concurrencyLimit) {
      problems.add(
          "orders handled at once: " + maxConcurrent + ", above the limit " + concurrencyLimit);
    }
    return problems;
  }

  private static void expect(List<String> problems, String what, long actual, long expected) {
    if (actual != expected) {
      problems.add(what + ": " + actual + ", expected " + expected);
    }
  }

  /** Prints the summary table. */
  void print(PrintStream out) {
    out.println();
    out.println("Summary");
    row(out, "orders placed", ordersPlaced, requestsRetried + " of them submitted twice");
    row(out, "orders stored", orders, distinctOrders + " distinct");
    row(out, "charges", charges, distinctCharges + " distinct orders");
    row(out, "payments recorded", payments, ordersNotPaidOnce + " orders not paid exactly once");
    row(out, "shipments", shipments, distinctShipments + " distinct orders");
    row(out, "duplicates skipped", duplicatesSkipped, duplicatesInjected + " injected");
    row(out, "retries", retries, "failed attempts tried again");
    row(out, "errors", parked, "parked in the error queue, " + retriedFromErrorQueue + " retried");
    row(
        out,
        "operations saved",
        messagesRelayed - transportOperations,
        messagesRelayed + " messages in " + transportOperations + " transport operations");
    row(out, "most at once", maxConcurrent, "order handlers, limit " + concurrencyLimit);
  }

  private static void row(PrintStream out, String name, long value, String note) {
    out.printf("  %-20s %6d   %s%n", name, value, note);
  }
}
