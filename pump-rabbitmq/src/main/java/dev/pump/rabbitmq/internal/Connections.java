package dev.pump.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedConsumer;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The transport's two connections, each opened on first use and then kept: one consumes, one
 * publishes and declares.
 *
 * <p>Why two: when the broker raises a memory or disk alarm it blocks connections that publish, and
 * a blocked connection carries no acknowledgements either; consumers on a separate connection keep
 * acknowledging, and so keep draining the queues that would end the alarm.
 *
 * <p>Each connection recovers by itself (the client's automatic recovery), so once open it is never
 * replaced; until the first open succeeds, every use tries again. Thread-safe.
 */
final class Connections implements AutoCloseable {
  enum Role {
    CONSUME,
    PUBLISH
  }

  // Recovery re-registers consumers, which a lost connection ends. It does not re-declare
  // queues, exchanges or bindings: ours are durable and outlive any connection, and the client
  // would re-declare them on the channel that first declared them, which the publishing pool may
  // since have closed, failing noisily for nothing.
  private static final TopologyRecoveryFilter CONSUMERS_ONLY =
      new TopologyRecoveryFilter() {
        @Override
        public boolean filterExchange(RecordedExchange exchange) {
          return false;
        }

        @Override
        public boolean filterQueue(RecordedQueue queue) {
          return false;
        }

        @Override
        public boolean filterBinding(RecordedBinding binding) {
          return false;
        }

        @Override
        public boolean filterConsumer(RecordedConsumer consumer) {
          return true;
        }
      };

  private final RabbitMqSettings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Connection consume;
  private volatile Connection publish;
  private boolean closed;

  Connections(RabbitMqSettings settings) {
    this.settings = settings;
    settings.factory().setTopologyRecoveryFilter(CONSUMERS_ONLY);
  }

  /**
   * Returns the open connection for {@code role}, opening it if this is its first use.
   *
   * @throws TransportException if it cannot be opened, or it is down and recovering
   */
  Connection get(Role role, String operation) {
    Connection connection = role == Role.CONSUME ? consume : publish;
    if (connection == null) {
      connection = open(role, operation);
    }
    if (!connection.isOpen()) {
      throw new TransportUnavailableException(
          "cannot "
              + operation
              + ": the connection to RabbitMQ at "
              + settings.brokerAddress()
              + " is down; the client is reconnecting");
    }
    return connection;
  }

  private Connection open(Role role, String operation) {
    lock.lock();
    try {
      if (closed) {
        throw new TransportException("cannot " + operation + ": the RabbitMQ transport is closed");
      }
      Connection existing = role == Role.CONSUME ? consume : publish;
      if (existing != null) {
        return existing;
      }
      String name = settings.connectionName() + "-" + role.name().toLowerCase(Locale.ROOT);
      Connection opened = settings.factory().newConnection(name);
      if (role == Role.CONSUME) {
        consume = opened;
      } else {
        publish = opened;
      }
      return opened;
    } catch (IOException | TimeoutException e) {
      throw new TransportUnavailableException(
          "cannot "
              + operation
              + ": cannot connect to RabbitMQ at "
              + settings.brokerAddress()
              + ": "
              + refusal(e),
          e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Why a connection could not be opened, in the broker's own words where it gave any (an unknown
   * virtual host, refused credentials), else the deepest cause's (connection refused, timeout).
   */
  static String refusal(Throwable failure) {
    Throwable deepest = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException shutdown
          && shutdown.getReason() instanceof AMQP.Connection.Close close) {
        return "the broker refused it: " + close.getReplyCode() + " " + close.getReplyText();
      }
      if (t instanceof AuthenticationFailureException) {
        return "the broker refused it: " + t.getMessage();
      }
      deepest = t;
    }
    return deepest.getMessage() != null ? deepest.getMessage() : deepest.toString();
  }

  /** Closes both connections, ending their recovery; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      closeQuietly(consume);
      closeQuietly(publish);
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (IOException | RuntimeException e) {
      // already closed, or the broker is gone: either way nothing is left to release
      connection.abort();
    }
  }
}
