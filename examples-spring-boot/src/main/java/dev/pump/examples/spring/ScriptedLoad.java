package dev.pump.examples.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A short day at the shop, played over real HTTP against the running application: orders from
 * several clients at once, some posted twice (a client's retry), some over a customer's credit
 * limit (rolled back whole); then it waits, without a fixed sleep, until every placed order is
 * charged, paid and shipped, and checks the tables for exactly-once effects.
 */
final class ScriptedLoad {
  /** Bob's credit covers 5 orders of 10.00; his other 10 are refused. */
  static final int BOBS_ORDERS = 15;

  private final URI base;
  private final JdbcTemplate jdbc;
  private final String prefix;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A day whose order ids all begin with {@code prefix}, so the verdict counts only its own. */
  ScriptedLoad(URI base, JdbcTemplate jdbc, String prefix) {
    this.base = base;
    this.jdbc = jdbc;
    this.prefix = prefix;
  }

  /** What was played and what the tables say. */
  record Verdict(
      int posted,
      int placed,
      int retries,
      int refused,
      long stored,
      long charges,
      long paid,
      long shipments,
      long refusedInOutbox,
      long failed,
      Duration settledIn) {
    boolean exactlyOnce() {
      return stored == placed
          && charges == placed
          && paid == placed
          && shipments == placed
          && refusedInOutbox == 0
          && failed == 0;
    }

    String summary() {
      return String.join(
          "\n",
          "Summary",
          line("orders posted", posted, retries + " posted twice, " + refused + " over a limit"),
          line("orders placed", placed, "201 Created"),
          line("orders stored", stored, "through JPA"),
          line("charges", charges, "billing's handler, through JPA"),
          line("orders paid", paid, "the orders endpoint, on ChargeCompleted"),
          line("shipments", shipments, "shipping's handler, through JdbcTemplate"),
          line("refused in outbox", refusedInOutbox, "rolled back with the order"),
          line("failed messages", failed, "in the error queue"),
          "  settled in " + settledIn.toMillis() + " ms",
          "",
          exactlyOnce()
              ? "Exactly-once effects: every placed order was stored, charged, paid and shipped"
                  + " once, and no refused order left a message."
              : "NOT exactly once: the counts above disagree.");
    }

    private static String line(String what, long count, String note) {
      return String.format("  %-20s %5d   %s", what, count, note);
    }
  }

  /** Waits until the effects of the placed orders have arrived. */
  @FunctionalInterface
  interface Settle {
    /** Returns once the {@code placed} orders' messages were handled, or gives up. */
    void await(int placed) throws Exception;
  }

  /**
   * Plays {@code orders} orders (plus Bob's) from {@code clients} clients at once, then polls the
   * tables until every placed order is charged, paid and shipped, or {@code deadline} passed.
   */
  Verdict play(int orders, int clients, Duration deadline) throws Exception {
    return play(orders, clients, placed -> pollTables(placed, deadline));
  }

  /**
   * Plays as {@link #play(int, int, Duration)}, and lets {@code settle} wait for the effects: a
   * test's {@code TestPump.awaitIdle()}.
   */
  Verdict play(int orders, int clients, Settle settle) throws Exception {
    List<String[]> requests = new ArrayList<>();
    for (int i = 1; i <= orders; i++) {
      requests.add(
          new String[] {prefix + "order-%04d".formatted(i), i % 2 == 0 ? "ada" : "grace", "2500"});
    }
    for (int i = 1; i <= BOBS_ORDERS; i++) {
      requests.add(new String[] {prefix + "bob-%02d".formatted(i), "bob", "1000"});
    }
    int retries = 0;
    for (int i = 1; i <= orders; i += 10) {
      requests.add(
          new String[] {prefix + "order-%04d".formatted(i), i % 2 == 0 ? "ada" : "grace", "2500"});
      retries++;
    }
    Set<String> placed = ConcurrentHashMap.newKeySet();
    Set<String> refused = ConcurrentHashMap.newKeySet();
    List<Future<?>> posts = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      for (String[] request : requests) {
        posts.add(
            pool.submit(() -> {
              int status = post(request[0], request[1], Long.parseLong(request[2]));
              if (status == 201) {
                placed.add(request[0]);
              } else if (status == 422) {
                refused.add(request[0]);
              } else if (status != 200) {
                throw new IllegalStateException(
                    "POST /orders " + request[0] + " answered " + status);
              }
              return null;
            }));
      }
      for (Future<?> post : posts) {
        post.get();
      }
    }
    long start = System.nanoTime();
    settle.await(placed.size());
    Duration settled = Duration.ofNanos(System.nanoTime() - start);
    return new Verdict(
        requests.size(),
        placed.size(),
        retries,
        refused.size(),
        count("SELECT count(*) FROM shop_order WHERE id LIKE ?"),
        count("SELECT count(DISTINCT order_id) FROM charge WHERE order_id LIKE ?"),
        count("SELECT count(*) FROM shop_order WHERE paid AND id LIKE ?"),
        count("SELECT count(DISTINCT order_id) FROM shipment WHERE order_id LIKE ?"),
        count(
            "SELECT count(*) FROM pump.audit_outbox WHERE body_json ->> 'orderId' LIKE ?"
                + " AND body_json ->> 'orderId' NOT IN (SELECT id FROM shop_order)"),
        failedMessages(),
        settled);
  }

  private void pollTables(int placed, Duration deadline) throws InterruptedException {
    long limit = System.nanoTime() + deadline.toNanos();
    while (count("SELECT count(*) FROM shop_order WHERE paid AND id LIKE ?") < placed
        || count("SELECT count(*) FROM shipment WHERE order_id LIKE ?") < placed) {
      if (System.nanoTime() > limit) {
        break;
      }
      Thread.sleep(20); // the effects arrive asynchronously: poll the tables
    }
  }

  private int post(String orderId, String customer, long amountCents)
      throws IOException, InterruptedException {
    String json =
        "{\"orderId\":\"%s\",\"customer\":\"%s\",\"amountCents\":%d}"
            .formatted(orderId, customer, amountCents);
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/orders"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Messages in the PostgreSQL error queue, whatever their day. */
  private long failedMessages() {
    Long value =
        jdbc.queryForObject(
            "SELECT count(*) FROM pump.queue_message WHERE queue = 'error'", Long.class);
    return value == null ? 0 : value;
  }

  /** Counts with the day's id pattern bound to the one parameter. */
  private long count(String sql) {
    Long value = jdbc.queryForObject(sql, Long.class, prefix + "%");
    return value == null ? 0 : value;
  }
}
