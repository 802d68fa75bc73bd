package dev.pump.jdbc.internal.queue;

import dev.pump.core.internal.shared.Backoff;
import dev.pump.core.internal.shared.Loggers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>When its connections are dedicated (see {@link
 * dev.pump.jdbc.internal.sql.DedicatedConnections}) the notifier keeps one open, so that a notify's
 * commit never holds one of the application's pooled connections while transactions wait for it; it
 * reconnects when that connection breaks. Otherwise it borrows one per send and returns it.
 */
public final class Notifier implements AutoCloseable {
  /** How long requests are gathered before they are sent together: 5 ms. */
  public static final Duration DEFAULT_COALESCE = Duration.ofMillis(5);

  private static final Logger log = LoggerFactory.getLogger(Loggers.TRANSPORT);
  private static final Backoff RECONNECT =
      Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(5));
  private static final String SEND =
      "SELECT count(pg_notify(c, p)) FROM unnest(?::text[], ?::text[]) AS n(c, p)";

  private record Request(String channel, String payload) {}

  private final Callable<Connection> connections;
  private final boolean keep;
  // added to under this object's lock, so a request never misses the wake-up; read without it,
  // so a commit whose request is already pending does not contend for the lock
  private final Set<Request> pending = ConcurrentHashMap.newKeySet();
  private Thread thread; // guarded by this
  private boolean closed; // guarded by this
  private Connection connection; // only the notifier thread uses it while it runs
  private int failures; // the same

  /**
   * Creates the notifier; its thread starts on the first request.
   *
   * @param connections opens (or borrows) a connection
   * @param keep whether the connections are the notifier's own, to keep open between sends; if
   *     false each one is closed (returned to its pool) after its send
   */
  public Notifier(Callable<Connection> connections, boolean keep) {
    this.connections = connections;
    this.keep = keep;
  }

  /** Asks for {@code NOTIFY channel, payload} soon; repeated requests are sent once. */
  public void request(String channel, String payload) {
    Request request = new Request(channel, payload);
    if (pending.contains(request)) {
      return; // it will be sent after this caller's commit: it has not been taken yet
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      pending.add(request);
      if (thread == null) {
        thread = Thread.ofVirtual().name("pump-notifier").start(this::run);
      }
      notifyAll();
    }
  }

  private void run() {
    try {
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
        if (!send(batch) && !pause(RECONNECT.after(failures))) {
          return;
        }
      }
    } finally {
      disconnect();
    }
  }

  /** Sends {@code batch}; false if it could not, after one retry on a fresh connection. */
  private boolean send(List<Request> batch) {
    String[] channels = batch.stream().map(Request::channel).toArray(String[]::new);
    String[] payloads = batch.stream().map(Request::payload).toArray(String[]::new);
    for (int attempt = 1; ; attempt++) {
      boolean fresh = connection == null;
      try {
        if (fresh) {
          connection = connections.call();
          if (keep) {
            try (Statement statement = connection.createStatement()) {
              // a notification is a hint, and the rows it announces were flushed by their own
              // commit: its transaction need not wait for a WAL flush of its own
              statement.execute("SET synchronous_commit = off");
            }
          }
        }
        try (PreparedStatement statement = connection.prepareStatement(SEND)) {
          statement.setObject(1, channels);
          statement.setObject(2, payloads);
          statement.executeQuery().close();
        }
        failures = 0;
        if (!keep) {
          disconnect();
        }
        return true;
      } catch (Exception e) {
        disconnect();
        // a kept connection may have broken while idle (a database restart): one more try
        if (!fresh && attempt == 1) {
          continue;
        }
        failures++;
        // other processes find the rows on their next poll
        log.debug("could not send {} notifications; pollers will find the rows", batch.size(), e);
        return false;
      }
    }
  }

  /** Waits {@code delay} or until closed; false if closed. */
  private synchronized boolean pause(Duration delay) {
    long end = System.nanoTime() + delay.toNanos();
    long left;
    while (!closed && (left = end - System.nanoTime()) > 0) {
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        return false;
      }
    }
    return !closed;
  }

  private void disconnect() {
    Connection current = connection;
    connection = null;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException e) {
        log.debug("closing the notifier's connection failed", e);
      }
    }
  }

  /**
   * Stops the thread and closes its connection, waiting up to a second for a notification in flight
   * so that the pool can be closed right after; requests not yet sent are dropped (pollers find
   * their rows).
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
        running.join(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
