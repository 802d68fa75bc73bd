package dev.pump.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Adapts RabbitMQ's push to the pump's pull for one queue: a consumer with manual acknowledgements
 * on its own channel, whose deliveries wait in a buffer until {@link #take} hands them out.
 *
 * <p>The buffer needs no bound of its own: the channel's prefetch ({@code basic.qos}) stops the
 * broker once that many deliveries are unacknowledged, and a buffered delivery is one of them.
 *
 * <p><b>Channel generations.</b> When the connection drops, the broker requeues every
 * unacknowledged delivery, and the client's recovery opens a new channel and consumes again, with
 * new delivery tags. Deliveries of the old channel are then worthless: acknowledging them would be
 * silently dropped by the client. So each shutdown starts a new generation: buffered deliveries of
 * the old one are discarded (the broker delivers them again), and settling a handed-out delivery of
 * an old generation fails, telling the pump the message will come back.
 *
 * <p>A consumer whose channel closes for good (the broker cancelled it because its queue was
 * deleted, a channel error, a consumer timeout) is dead; the transport replaces it on the next
 * receive. Acknowledgements of all message threads go through one lock, because a channel must not
 * be used by two threads at once. Thread-safe.
 */
final class QueueConsumer implements Consumer {
  // a waiting receive wakes this often to notice a lost connection or a dead consumer
  private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String queue;
  private final Connection connection;
  private final Channel channel;
  private final LinkedBlockingQueue<Delivered> buffer = new LinkedBlockingQueue<>();
  private final ReentrantLock channelLock = new ReentrantLock();
  private volatile int generation;
  private volatile String deadBecause;

  private QueueConsumer(String queue, Connection connection, Channel channel) {
    this.queue = queue;
    this.connection = connection;
    this.channel = channel;
  }

  /**
   * Opens a channel with {@code prefetch} and starts consuming {@code queue}.
   *
   * @throws TransportException if the queue does not exist or the broker refuses
   */
  static QueueConsumer start(Connection connection, String queue, int prefetch) {
    Channel channel = null;
    try {
      channel = connection.createChannel();
      if (channel == null) {
        throw new TransportException(
            "cannot consume " + queue + ": the connection has no free channel");
      }
      channel.basicQos(prefetch);
      QueueConsumer consumer = new QueueConsumer(queue, connection, channel);
      channel.basicConsume(queue, false, consumer);
      return consumer;
    } catch (IOException | ShutdownSignalException e) {
      closeQuietly(channel);
      throw new TransportException(
          "cannot consume queue " + queue + ": " + PublishChannels.reason(e), e);
    }
  }

  /**
   * Hands out the next delivery, waiting up to {@code maxWait}.
   *
   * @throws TransportException if the connection is down or the consumer is dead
   */
  Optional<ReceivedMessage> take(Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      checkUsable();
      long remaining = deadline - System.nanoTime();
      Delivered delivered =
          remaining > 0
              ? buffer.poll(Math.min(remaining, CHECK_NANOS), TimeUnit.NANOSECONDS)
              : null;
      if (delivered == null && remaining <= 0) {
        delivered = buffer.poll();
        if (delivered == null) {
          return Optional.empty();
        }
      }
      if (delivered != null && delivered.generation == generation) {
        return Optional.of(delivered.message);
      }
    }
  }

  /** Whether the broker or an error ended this consumer for good. */
  boolean isDead() {
    return deadBecause != null;
  }

  /** Acknowledges ({@code complete}) or requeues a delivery of this consumer. */
  void settle(RabbitMqReceivedMessage message, long deliveryTag, int ofGeneration, boolean ack) {
    String what = ack ? "complete" : "abandon";
    channelLock.lock();
    try {
      if (ofGeneration != generation || !channel.isOpen()) {
        throw new TransportException(
            "cannot "
                + what
                + " message "
                + message.messageId()
                + " from "
                + queue
                + ": the channel it came on closed since (connection lost or consumer ended);"
                + " RabbitMQ has requeued it and delivers it again");
      }
      if (ack) {
        channel.basicAck(deliveryTag, false);
      } else {
        channel.basicNack(deliveryTag, false, true);
      }
    } catch (IOException | ShutdownSignalException e) {
      throw new TransportException(
          "cannot "
              + what
              + " message "
              + message.messageId()
              + " from "
              + queue
              + ": "
              + PublishChannels.reason(e),
          e);
    } finally {
      channelLock.unlock();
    }
  }

  /** Stops consuming: the broker requeues every delivery not yet acknowledged. */
  void close() {
    deadBecause = "the transport closed";
    newGeneration();
    closeQuietly(channel);
  }

  @Override
  public void handleDelivery(
      String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    AmqpMessages.Received received = AmqpMessages.received(envelope, properties, body);
    int current = generation;
    buffer.add(
        new Delivered(
            current,
            new RabbitMqReceivedMessage(
                this, queue, received, body, envelope.getDeliveryTag(), current)));
  }

  @Override
  public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
    newGeneration();
    // a lost connection is recovered by the client, consumer included; anything else is final
    boolean recovers = signal.isHardError() && !signal.isInitiatedByApplication();
    if (!recovers) {
      deadBecause = "its channel closed: " + signal.getMessage();
    }
  }

  @Override
  public void handleCancel(String consumerTag) {
    deadBecause = "RabbitMQ cancelled the consumer (was the queue deleted?)";
    newGeneration();
  }

  @Override
  public void handleConsumeOk(String consumerTag) {}

  @Override
  public void handleCancelOk(String consumerTag) {}

  @Override
  public void handleRecoverOk(String consumerTag) {}

  private void newGeneration() {
    channelLock.lock();
    try {
      generation++;
      buffer.clear(); // the broker has requeued these; handing them out would duplicate them
    } finally {
      channelLock.unlock();
    }
  }

  private void checkUsable() {
    String dead = deadBecause;
    if (dead != null) {
      throw new TransportException("cannot receive from " + queue + ": " + dead);
    }
    if (!connection.isOpen()) {
      throw new TransportException(
          "cannot receive from "
              + queue
              + ": the connection to RabbitMQ is down; the client is reconnecting");
    }
  }

  private static void closeQuietly(Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      // already closed by the broker or with its connection: nothing left to release
    }
  }

  private record Delivered(int generation, ReceivedMessage message) {}
}
