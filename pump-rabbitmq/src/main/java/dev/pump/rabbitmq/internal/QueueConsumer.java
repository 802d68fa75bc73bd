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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Adapts RabbitMQ's push to the pump's pull for one queue: a consumer with manual acknowledgements
 * on its own channel, whose deliveries wait in a {@link DeliveryBuffer} until {@link #take} hands
 * them out, one or several at a time.
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
 * <p><b>Acknowledgements.</b> A message taken alone is acknowledged when completed. The messages
 * taken together are acknowledged together, once the last of them is settled, with {@code
 * basic.ack(multiple=true)} where {@link ReceivedBatch} finds it valid; so the consumer tracks the
 * delivery tags of its channel not yet acknowledged or requeued. Abandoning requeues at once.
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
  private final SettleCounters counters;
  private final DeliveryBuffer buffer = new DeliveryBuffer();
  // delivery tags of the current generation neither acknowledged nor requeued, buffered or not
  private final ConcurrentSkipListSet<Long> unsettled = new ConcurrentSkipListSet<>();
  private final ReentrantLock channelLock = new ReentrantLock();
  private volatile String deadBecause;

  private QueueConsumer(
      String queue, Connection connection, Channel channel, SettleCounters counters) {
    this.queue = queue;
    this.connection = connection;
    this.channel = channel;
    this.counters = counters;
  }

  /**
   * Opens a channel with {@code prefetch} and starts consuming {@code queue}.
   *
   * @throws TransportException if the queue does not exist or the broker refuses
   */
  static QueueConsumer start(
      Connection connection, String queue, int prefetch, SettleCounters counters) {
    Channel channel = null;
    try {
      channel = connection.createChannel();
      if (channel == null) {
        throw new TransportException(
            "cannot consume " + queue + ": the connection has no free channel");
      }
      channel.basicQos(prefetch);
      QueueConsumer consumer = new QueueConsumer(queue, connection, channel, counters);
      channel.basicConsume(queue, false, consumer);
      return consumer;
    } catch (IOException | ShutdownSignalException e) {
      closeQuietly(channel);
      throw new TransportException(
          "cannot consume queue " + queue + ": " + PublishChannels.reason(e), e);
    }
  }

  /**
   * Hands out up to {@code max} buffered deliveries: waits up to {@code maxWait} for the first,
   * then takes what else is buffered, waiting up to {@code fillWait} for more if positive. A
   * redelivered message comes alone. Several threads may take at once.
   *
   * @return the messages, oldest first; empty if none came within {@code maxWait}
   * @throws TransportException if the connection is down or the consumer is dead
   */
  List<ReceivedMessage> take(int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    long deadline = System.nanoTime() + nanos(maxWait);
    long fillNanos = nanos(fillWait);
    while (true) {
      checkUsable();
      long remaining = deadline - System.nanoTime();
      List<DeliveryBuffer.Delivery> taken =
          buffer.take(max, Math.clamp(remaining, 0, CHECK_NANOS), fillNanos);
      if (!taken.isEmpty()) {
        ReceivedBatch batch = taken.size() > 1 ? new ReceivedBatch(taken.size()) : null;
        List<ReceivedMessage> messages = new ArrayList<>(taken.size());
        for (DeliveryBuffer.Delivery delivery : taken) {
          messages.add(new RabbitMqReceivedMessage(this, queue, delivery, batch));
        }
        return messages;
      }
      if (remaining <= 0) {
        return List.of();
      }
    }
  }

  /** Whether the broker or an error ended this consumer for good. */
  boolean isDead() {
    return deadBecause != null;
  }

  /**
   * Settles a message this consumer handed out: requeues it ({@code abandon}), acknowledges it
   * ({@code complete}) if it came alone, or records it as completed if it came in a batch, whose
   * completed messages are acknowledged once its last message is settled.
   */
  void settle(RabbitMqReceivedMessage message, boolean complete) {
    String what = complete ? "complete" : "abandon";
    long tag = message.deliveryTag();
    ReceivedBatch batch = message.batch();
    channelLock.lock();
    try {
      boolean last = batch != null && batch.settle(tag, complete);
      if (message.generation() != buffer.generation() || !channel.isOpen()) {
        throw new TransportException(
            "cannot "
                + what
                + " message "
                + message.messageId()
                + " from "
                + queue
                + ": the channel it came on closed since (connection lost or consumer ended);"
                + " RabbitMQ has requeued "
                + (batch == null ? "it" : "it and the other messages received with it")
                + " and delivers them again");
      }
      if (!complete) {
        channel.basicNack(tag, false, true);
        unsettled.remove(tag);
        counters.requeued();
      } else if (batch == null) {
        channel.basicAck(tag, false);
        unsettled.remove(tag);
        counters.acknowledged(1);
      }
      if (last) {
        acknowledgeCompleted(batch);
      }
    } catch (IOException | ShutdownSignalException e) {
      throw new TransportException(
          "cannot "
              + what
              + " message "
              + message.messageId()
              + " from "
              + queue
              + (batch == null ? "" : " (one of " + batch.size() + " received together)")
              + ": "
              + PublishChannels.reason(e),
          e);
    } finally {
      channelLock.unlock();
    }
  }

  // under the channel lock, once every message of the batch is settled
  private void acknowledgeCompleted(ReceivedBatch batch) throws IOException {
    long[] tags = batch.completedTags();
    int covered = ReceivedBatch.coveredByMultiple(tags, unsettled);
    int next = 0;
    if (covered > 1) {
      channel.basicAck(tags[covered - 1], true);
      for (int i = 0; i < covered; i++) {
        unsettled.remove(tags[i]);
      }
      counters.acknowledged(covered);
      next = covered;
    }
    for (int i = next; i < tags.length; i++) {
      channel.basicAck(tags[i], false);
      unsettled.remove(tags[i]);
      counters.acknowledged(1);
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
    unsettled.add(envelope.getDeliveryTag());
    buffer.add(envelope.getDeliveryTag(), received, body);
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
      buffer.newGeneration(); // the broker has requeued every unsettled delivery
      unsettled.clear();
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

  // saturated: a wait of centuries is a wait forever
  private static long nanos(Duration wait) {
    return wait.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : wait.toNanos();
  }
}
