package dev.pump.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.rabbitmq.RabbitMqTransport.PublishStatistics;
import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Channels in confirm mode on the publishing connection, lent to one caller at a time.
 *
 * <p>AMQP channels must not be used by two threads at once, and a channel in confirm mode counts
 * its publishes, so each batch borrows a channel for itself: it publishes the whole batch, waits
 * once for the confirms, and gives the channel back. Idle channels are kept (up to a bound) so a
 * batch costs no channel open; a channel that failed is closed and dropped, never reused, because a
 * channel error may have left it closed or its confirm sequence unknown. Declarations borrow the
 * same channels. Thread-safe.
 */
final class PublishChannels implements AutoCloseable {
  private final Connections connections;
  private final RabbitMqSettings settings;
  private final LinkedBlockingDeque<PublishChannel> idle;
  private final LongAdder batchesConfirmed = new LongAdder();
  private final LongAdder messagesConfirmed = new LongAdder();
  private final LongAdder confirmWaits = new LongAdder();

  PublishChannels(Connections connections, RabbitMqSettings settings) {
    this.connections = connections;
    this.settings = settings;
    this.idle = new LinkedBlockingDeque<>(Math.max(1, settings.maxIdlePublishChannels()));
  }

  /** What a caller does with a borrowed channel. */
  @FunctionalInterface
  interface ChannelWork<T> {
    T run(Channel channel) throws IOException;
  }

  /**
   * Publishes {@code batch} to {@code exchange} with {@code routingKey} and waits once for the
   * broker to confirm all of it.
   *
   * @param mandatory whether a message the broker cannot route fails the batch
   * @param operation what is being done, for error messages: "send to queue orders"
   * @throws TransportException if any message was nacked, returned unroutable, or not confirmed
   *     within the confirm timeout, or the channel failed; some messages may have been delivered
   */
  void publish(
      String exchange,
      String routingKey,
      boolean mandatory,
      List<OutgoingMessage> batch,
      String operation) {
    PublishChannel borrowed = borrow(operation);
    boolean reusable = false;
    try {
      borrowed.returned.clear();
      for (OutgoingMessage message : batch) {
        borrowed.channel.basicPublish(
            exchange, routingKey, mandatory, AmqpMessages.properties(message), message.body());
      }
      confirmWaits.increment();
      // the one round trip per batch: the broker confirms every message published above
      borrowed.channel.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
      reusable = true;
      // a returned message is confirmed too (after its return), so returns are all in by now
      if (!borrowed.returned.isEmpty()) {
        throw new TransportException(
            operation
                + " failed: RabbitMQ could not route "
                + borrowed.returned.size()
                + " of "
                + batch.size()
                + " messages (first: "
                + borrowed.returned.peek()
                + "); does the queue exist?");
      }
      batchesConfirmed.increment();
      messagesConfirmed.add(batch.size());
    } catch (IOException e) {
      // waitForConfirmsOrDie reports a nack as an IOException
      throw new TransportException(
          operation + " failed: RabbitMQ did not accept the batch of " + batch.size(), e);
    } catch (TimeoutException e) {
      throw new TransportException(
          operation
              + " failed: the batch of "
              + batch.size()
              + " was not confirmed within "
              + settings.confirmTimeout(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException(operation + " was interrupted waiting for confirms", e);
    } catch (ShutdownSignalException e) {
      throw shutDown(operation + " failed: " + reason(e), e);
    } finally {
      if (reusable) {
        giveBack(borrowed);
      } else {
        borrowed.close();
      }
    }
  }

  /**
   * A connection that went down (a hard error: lost, closed by the broker) means RabbitMQ is
   * unavailable, which is not the messages' fault; a channel error (a refused publish or
   * declaration) is an ordinary failure.
   */
  private static TransportException shutDown(String message, ShutdownSignalException e) {
    return e.isHardError()
        ? new TransportUnavailableException(message, e)
        : new TransportException(message, e);
  }

  /** Runs {@code work} (a declaration) on a borrowed channel. */
  <T> T withChannel(String operation, ChannelWork<T> work) {
    PublishChannel borrowed = borrow(operation);
    boolean reusable = false;
    try {
      T result = work.run(borrowed.channel);
      reusable = true;
      return result;
    } catch (IOException e) {
      // a refused declaration closes the channel: its reason is in the cause
      throw new TransportException(operation + " failed: " + reason(e), e);
    } catch (ShutdownSignalException e) {
      throw shutDown(operation + " failed: " + reason(e), e);
    } finally {
      if (reusable) {
        giveBack(borrowed);
      } else {
        borrowed.close();
      }
    }
  }

  PublishStatistics statistics() {
    return new PublishStatistics(
        batchesConfirmed.sum(), messagesConfirmed.sum(), confirmWaits.sum());
  }

  @Override
  public void close() {
    PublishChannel channel;
    while ((channel = idle.poll()) != null) {
      channel.close();
    }
  }

  private PublishChannel borrow(String operation) {
    PublishChannel channel;
    while ((channel = idle.pollFirst()) != null) {
      if (channel.channel.isOpen()) {
        return channel;
      }
      channel.close(); // closed while idle: by a broker error or a lost connection
    }
    Connection connection = connections.get(Connections.Role.PUBLISH, operation);
    try {
      Channel opened = connection.createChannel();
      if (opened == null) {
        throw new TransportException(
            "cannot " + operation + ": the connection has no free channel (channel_max reached)");
      }
      opened.confirmSelect();
      return new PublishChannel(opened);
    } catch (ShutdownSignalException e) {
      throw shutDown("cannot " + operation + ": " + reason(e), e);
    } catch (IOException e) {
      throw connection.isOpen()
          ? new TransportException("cannot " + operation + ": " + reason(e), e)
          : new TransportUnavailableException("cannot " + operation + ": " + reason(e), e);
    }
  }

  private void giveBack(PublishChannel channel) {
    // most recently used first, so a few channels stay busy and the rest can be closed
    if (settings.maxIdlePublishChannels() == 0 || !idle.offerFirst(channel)) {
      channel.close();
    }
  }

  /** Whether {@code failure} comes from the broker closing a channel with 404 NOT_FOUND. */
  static boolean isNotFound(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException shutdown
          && shutdown.getReason() instanceof AMQP.Channel.Close close
          && close.getReplyCode() == AMQP.NOT_FOUND) {
        return true;
      }
    }
    return false;
  }

  static String reason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException shutdown && shutdown.getReason() != null) {
        return shutdown.getMessage();
      }
    }
    return String.valueOf(failure.getMessage());
  }

  /** One channel and the returns the broker sent on it for the current batch. */
  private static final class PublishChannel {
    final Channel channel;
    final Queue<String> returned = new ConcurrentLinkedQueue<>();

    PublishChannel(Channel channel) {
      this.channel = channel;
      // called on the connection's thread before the confirm of the same message
      channel.addReturnListener(r ->
          returned.add(
              "message "
                  + r.getProperties().getMessageId()
                  + " to "
                  + (r.getExchange().isEmpty() ? "queue " + r.getRoutingKey() : r.getExchange())
                  + ": "
                  + r.getReplyCode()
                  + " "
                  + r.getReplyText()));
    }

    void close() {
      try {
        if (channel.isOpen()) {
          channel.close();
        }
      } catch (IOException | TimeoutException | ShutdownSignalException e) {
        // the channel or its connection is already gone; nothing left to release
      }
    }
  }
}
