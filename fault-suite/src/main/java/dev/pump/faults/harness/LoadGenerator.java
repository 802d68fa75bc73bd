package dev.pump.faults.harness;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.jdbc.JdbcStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the input: {@code count} {@link PlaceOrder} messages to the {@code orders} queue, each in a
 * transactional session that also writes its ledger row in {@code fault_input}, so a ledger row
 * exists if and only if the send committed. A fraction are sent a second time later with the same
 * message id, like a client retrying its request. A session that fails (the database is down, a
 * connection was cut) is retried with the same ids: if its commit went through before the failure,
 * the retry is one more duplicate, which the inbox must absorb.
 */
public final class LoadGenerator implements Runnable {
  private final JdbcStorage storage;
  private final Endpoint web;
  private final int count;
  private final double duplicates;
  private final Random random;
  private final int perSecond;
  private String prefix = "in-";
  private String destination = "orders";
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger failedSessions = new AtomicInteger();

  /**
   * @param perSecond pace of input messages (0: as fast as the database takes them)
   */
  public LoadGenerator(
      JdbcStorage storage, Endpoint web, int count, double duplicates, long seed, int perSecond) {
    this.storage = storage;
    this.web = web;
    this.count = count;
    this.duplicates = duplicates;
    this.random = new Random(seed);
    this.perSecond = perSecond;
  }

  /** Names the input ids {@code prefix + n} instead of {@code in-n}. */
  public LoadGenerator prefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  /** Sends to {@code destination} instead of {@code orders}. */
  public LoadGenerator destination(String destination) {
    this.destination = destination;
    return this;
  }

  private record Copy(String id, int copy) {}

  @Override
  public void run() {
    // each input once in order; a repeat lands 1 to 300 places after its original
    List<Map.Entry<Double, Copy>> keyed = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + i;
      keyed.add(Map.entry((double) i, new Copy(id, 1)));
      if (random.nextDouble() < duplicates) {
        keyed.add(Map.entry(i + 1 + random.nextInt(300) + 0.5, new Copy(id, 2)));
      }
    }
    keyed.sort(Map.Entry.comparingByKey());
    List<Copy> plan = keyed.stream().map(Map.Entry::getValue).toList();
    int batch = 10;
    long started = System.nanoTime();
    for (int from = 0; from < plan.size(); from += batch) {
      List<Copy> copies = plan.subList(from, Math.min(plan.size(), from + batch));
      sendWithRetries(copies);
      sent.addAndGet(copies.size());
      if (perSecond > 0) {
        long due = started + (long) (sent.get() * 1e9 / perSecond);
        LockSupport.parkNanos(due - System.nanoTime());
      }
    }
  }

  private void sendWithRetries(List<Copy> copies) {
    while (true) {
      try {
        storage.inTransaction(
            web,
            (handle, sender) -> {
              for (Copy c : copies) {
                handle.execute(
                    "INSERT INTO fault_input (message_id, copy) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    c.id(),
                    c.copy());
                sender.send(
                    destination,
                    new PlaceOrder(c.id(), "copy " + c.copy()),
                    SendOptions.builder().messageId(c.id()).build());
              }
              return null;
            });
        return;
      } catch (RuntimeException e) {
        failedSessions.incrementAndGet();
        if (Thread.currentThread().isInterrupted()) {
          throw e;
        }
        // the database is away: try again soon, with the same ids
        LockSupport.parkNanos(200_000_000L);
      }
    }
  }

  /** Input copies committed so far (duplicates included). */
  public int sent() {
    return sent.get();
  }

  /** Sessions that failed and were retried. */
  public int failedSessions() {
    return failedSessions.get();
  }

  /** Sends one more copy of each of {@code ids} to {@code orders}, in one transaction. */
  public static void resend(JdbcStorage storage, Endpoint web, List<String> ids) {
    storage.inTransaction(
        web,
        (handle, sender) -> {
          for (String id : ids) {
            sender.send(
                "orders",
                new PlaceOrder(id, "repeat"),
                SendOptions.builder().messageId(id).build());
          }
          return null;
        });
  }
}
