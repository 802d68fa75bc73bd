package dev.pump.benchmarks.harness;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;

/**
 * The consumer of the output queue: it empties the queue in bulk a few times a second, so the
 * queue's table (or the broker's queue) stays bounded without a second endpoint adding its own cost
 * per message to what is measured.
 */
public final class Sink implements AutoCloseable {
  private static final long PERIOD_MS = 250;

  @FunctionalInterface
  private interface Emptying {
    void empty() throws Exception;
  }

  private final Emptying emptying;
  private final AutoCloseable resource;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private Thread thread;

  private Sink(Emptying emptying, AutoCloseable resource) {
    this.emptying = emptying;
    this.resource = resource;
  }

  /**
   * Deletes the output queue's rows from {@code pool}, which the sink owns and closes. Each delete
   * starts a little before the highest id the last one removed (rows commit slightly out of id
   * order), with a sweep of the whole queue every 10 s: a delete of the whole queue each time would
   * walk every dead row version a long transaction keeps (the soak holds one for 3 minutes), and
   * the harness's own cost would then grow into what is measured.
   */
  public static Sink postgres(HikariDataSource pool, String queue) {
    Jdbi jdbi = Jdbi.create(pool);
    String table = Database.PUMP_SCHEMA + ".queue_message";
    String recent =
        "WITH gone AS (DELETE FROM "
            + table
            + " WHERE id > ? AND queue = ? RETURNING id)"
            + " SELECT coalesce(max(id), 0) FROM gone";
    String sweep =
        "WITH gone AS (DELETE FROM "
            + table
            + " WHERE queue = ? RETURNING id)"
            + " SELECT coalesce(max(id), 0) FROM gone";
    long[] highest = {0};
    long[] lastSweep = {System.nanoTime()};
    return new Sink(
        () -> {
          long now = System.nanoTime();
          long max;
          if (now - lastSweep[0] >= 10_000_000_000L) {
            lastSweep[0] = now;
            max = jdbi.withHandle(h -> h.select(sweep, queue).mapTo(Long.class).one());
          } else {
            long from = Math.max(0, highest[0] - 1_000);
            max = jdbi.withHandle(h -> h.select(recent, from, queue).mapTo(Long.class).one());
          }
          highest[0] = Math.max(highest[0], max);
        },
        pool);
  }

  /** Empties nothing: a Kafka topic keeps what it is given until its retention. */
  public static Sink none() {
    return new Sink(() -> {}, () -> {});
  }

  /** Purges the broker's queue over a connection of its own. */
  public static Sink rabbitmq(String uri, String queue) {
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(uri);
      Connection connection = factory.newConnection("pump-bench-e2e-sink");
      Channel channel = connection.createChannel();
      return new Sink(() -> channel.queuePurge(queue), connection);
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect the sink to RabbitMQ", e);
    }
  }

  public void start() {
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("bench-sink")
            .start(() -> {
              while (running.get()) {
                try {
                  emptying.empty();
                } catch (Exception e) {
                  if (running.get()) {
                    System.err.println("sink: " + e);
                  }
                }
                sleep();
              }
            });
  }

  private static void sleep() {
    try {
      Thread.sleep(PERIOD_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running.set(false);
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      resource.close();
    } catch (Exception e) {
      // closing a benchmark's own connection; nothing to recover
    }
  }
}
