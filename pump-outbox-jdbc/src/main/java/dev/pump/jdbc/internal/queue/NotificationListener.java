package dev.pump.jdbc.internal.queue;

import dev.pump.core.internal.shared.Backoff;
import dev.pump.core.internal.shared.Loggers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on one PostgreSQL channel over a dedicated connection and hands each notification's
 * payload to a consumer. When the connection breaks (the database restarted, the backend was
 * terminated) it reconnects with back-off and then calls {@code onConnected}, because notifications
 * sent while it was away are lost and receivers must look for themselves.
 *
 * <p>The connection is its own, never one borrowed from the application's pool for good.
 */
public final class NotificationListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Loggers.TRANSPORT);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Backoff RECONNECT =
      Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(5));

  private final Callable<Connection> connections;
  private final String channel;
  private final Consumer<String> onNotification;
  private final Runnable onConnected;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Connection connection;

  /**
   * Creates and starts the listener thread.
   *
   * @param connections opens a new dedicated connection
   * @param channel the channel, a valid identifier (it is quoted in {@code LISTEN})
   * @param onNotification receives each payload
   * @param onConnected runs after every (re)connection
   */
  public NotificationListener(
      Callable<Connection> connections,
      String channel,
      Consumer<String> onNotification,
      Runnable onConnected) {
    this.connections = connections;
    this.channel = channel;
    this.onNotification = onNotification;
    this.onConnected = onConnected;
    this.thread = Thread.ofPlatform().daemon().name("pump-listen-" + channel).start(this::run);
  }

  /** Whether the listener currently holds a live LISTEN connection. */
  public boolean isConnected() {
    return connection != null;
  }

  private void run() {
    int failures = 0;
    while (running) {
      try (Connection opened = connections.call()) {
        try (Statement statement = opened.createStatement()) {
          statement.execute("LISTEN \"" + channel + "\"");
        }
        connection = opened;
        failures = 0;
        onConnected.run();
        PGConnection pg = opened.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              onNotification.accept(notification.getParameter());
            }
          }
        }
      } catch (Exception e) {
        if (!running) {
          return;
        }
        failures++;
        log.warn(
            "LISTEN connection on channel {} lost ({}); reconnecting in {} ms",
            channel,
            e.toString(),
            RECONNECT.nominal(failures).toMillis());
      } finally {
        connection = null;
      }
      if (!RECONNECT.sleepAfter(failures)) {
        return;
      }
    }
  }

  /** Stops listening and closes the connection; waits at most a second for the thread. */
  @Override
  public void close() {
    running = false;
    Connection current = connection;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException ignored) {
        // closing to unblock the thread; nothing to do if it was already broken
      }
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
