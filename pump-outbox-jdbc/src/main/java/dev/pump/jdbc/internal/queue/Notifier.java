package dev.pump.jdbc.internal.queue;

import dev.pump.jdbc.internal.sql.SqlArrays;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code NOTIFY}s to other processes after commits, outside the committing transactions.
 *
 * <p>A transaction that notifies takes a database-wide lock at commit, so notifying inside every
 * message transaction serialises all commits. Instead, after a commit the code asks for a
 * notification here; requests are coalesced for {@link #DEFAULT_COALESCE} and sent together by one
 * statement in a transaction of their own. Receivers in this process are woken directly, and other
 * processes' pollers are the backstop if a notification is lost. Thread-safe.
 */
public final class Notifier implements AutoCloseable {
  /** How long requests are gathered before they are sent together: 5 ms. */
  public static final Duration DEFAULT_COALESCE = Duration.ofMillis(5);

  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  private record Request(String channel, String payload) {}

  private final Jdbi jdbi;
  private final Set<Request> pending = new LinkedHashSet<>();
  private Thread thread; // guarded by this
  private boolean closed; // guarded by this

  /** Creates the notifier; its thread starts on the first request. */
  public Notifier(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Asks for {@code NOTIFY channel, payload} soon; repeated requests are sent once. */
  public synchronized void request(String channel, String payload) {
    if (closed) {
      return;
    }
    pending.add(new Request(channel, payload));
    if (thread == null) {
      thread = Thread.ofVirtual().name("pump-notifier").start(this::run);
    }
    notifyAll();
  }

  private void run() {
    while (true) {
      List<Request> batch;
      synchronized (this) {
        while (pending.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
      }
      try {
        Thread.sleep(DEFAULT_COALESCE);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        if (closed) {
          return;
        }
        batch = List.copyOf(pending);
        pending.clear();
      }
      send(batch);
    }
  }

  private void send(List<Request> batch) {
    try {
      jdbi.useHandle(h ->
          h.createQuery(
                  "SELECT count(pg_notify(c, p)) FROM unnest(:channels::text[], :payloads::text[]) AS n(c, p)")
              .bind(
                  "channels",
                  SqlArrays.text(batch.stream().map(Request::channel).toArray(String[]::new)))
              .bind(
                  "payloads",
                  SqlArrays.text(batch.stream().map(Request::payload).toArray(String[]::new)))
              .mapTo(Long.class)
              .one());
    } catch (RuntimeException e) {
      // other processes find the rows on their next poll
      log.debug("could not send {} notifications; pollers will find the rows", batch.size(), e);
    }
  }

  /**
   * Stops the thread, waiting up to a second for a notification in flight so that the pool can be
   * closed right after; requests not yet sent are dropped (pollers find their rows).
   */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      closed = true;
      notifyAll();
      running = thread;
    }
    if (running != null) {
      try {
        running.join(java.time.Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
