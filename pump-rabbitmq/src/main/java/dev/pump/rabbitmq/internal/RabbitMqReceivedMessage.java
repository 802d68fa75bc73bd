package dev.pump.rabbitmq.internal;

import dev.pump.core.Attributes;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One delivery handed to the pump. Settling acknowledges or requeues it on the channel it came on;
 * only the first settle call does anything, because acknowledging a delivery tag twice is a channel
 * error that would requeue every other delivery of the channel. Thread-safe.
 */
final class RabbitMqReceivedMessage implements ReceivedMessage {
  private final QueueConsumer consumer;
  private final String queue;
  private final AmqpMessages.Received received;
  private final byte[] body;
  private final long deliveryTag;
  private final int generation;
  private final AtomicBoolean settled = new AtomicBoolean();

  RabbitMqReceivedMessage(
      QueueConsumer consumer,
      String queue,
      AmqpMessages.Received received,
      byte[] body,
      long deliveryTag,
      int generation) {
    this.consumer = consumer;
    this.queue = queue;
    this.received = received;
    this.body = body;
    this.deliveryTag = deliveryTag;
    this.generation = generation;
  }

  @Override
  public String messageId() {
    return received.messageId();
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public Map<String, String> headers() {
    return received.headers();
  }

  @Override
  public byte[] body() {
    return body;
  }

  @Override
  public int deliveryCount() {
    return received.deliveryCount();
  }

  /**
   * Refuses a message Pump must not handle (one without a message id): the failure is
   * unrecoverable, so the pump moves it to the error queue with this reason before the inbox or a
   * handler sees it.
   */
  @Override
  public void contributeAttributes(Attributes attributes) {
    if (received.refusal() != null) {
      throw new UnrecoverableMessageException(received.refusal());
    }
  }

  /** Acknowledges the delivery: RabbitMQ removes the message. */
  @Override
  public void complete() {
    if (settled.compareAndSet(false, true)) {
      consumer.settle(this, deliveryTag, generation, true);
    }
  }

  /**
   * Requeues the delivery at once. RabbitMQ has no delayed requeue without plugins, so {@code
   * visibilityDelay} is ignored.
   */
  @Override
  public void abandon(Duration visibilityDelay) {
    if (settled.compareAndSet(false, true)) {
      consumer.settle(this, deliveryTag, generation, false);
    }
  }

  @Override
  public String toString() {
    return "RabbitMqReceivedMessage["
        + messageId()
        + " from "
        + queue
        + ", #"
        + deliveryCount()
        + "]";
  }
}
