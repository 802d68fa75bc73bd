package dev.pump.rabbitmq.internal;

import dev.pump.core.Attributes;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One delivery handed to the pump, alone or in a batch of messages received together. Settling
 * acknowledges or requeues it on the channel it came on (a batch's acknowledgements wait for its
 * last message: see {@link QueueConsumer}); only the first settle call does anything, because
 * acknowledging a delivery tag twice is a channel error that would requeue every other delivery of
 * the channel. Thread-safe.
 */
final class RabbitMqReceivedMessage implements ReceivedMessage {
  private final QueueConsumer consumer;
  private final String queue;
  private final DeliveryBuffer.Delivery delivery;
  private final ReceivedBatch batch;
  private final AtomicBoolean settled = new AtomicBoolean();

  /** A delivery handed out alone when {@code batch} is null, else one of {@code batch}. */
  RabbitMqReceivedMessage(
      QueueConsumer consumer, String queue, DeliveryBuffer.Delivery delivery, ReceivedBatch batch) {
    this.consumer = consumer;
    this.queue = queue;
    this.delivery = delivery;
    this.batch = batch;
  }

  @Override
  public String messageId() {
    return delivery.received().messageId();
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public Map<String, String> headers() {
    return delivery.received().headers();
  }

  @Override
  public byte[] body() {
    return delivery.body();
  }

  @Override
  public int deliveryCount() {
    return delivery.received().deliveryCount();
  }

  /**
   * Refuses a message Pump must not handle (one without a message id): the failure is
   * unrecoverable, so the pump moves it to the error queue with this reason before the inbox or a
   * handler sees it.
   */
  @Override
  public void contributeAttributes(Attributes attributes) {
    if (delivery.received().refusal() != null) {
      throw new UnrecoverableMessageException(delivery.received().refusal());
    }
  }

  /**
   * Acknowledges the delivery: RabbitMQ removes the message. In a batch, the acknowledgement is
   * sent once every message of the batch is settled; until then a lost connection redelivers it.
   */
  @Override
  public void complete() {
    if (settled.compareAndSet(false, true)) {
      consumer.settle(this, true);
    }
  }

  /**
   * Requeues the delivery at once. RabbitMQ has no delayed requeue without plugins, so {@code
   * visibilityDelay} is ignored.
   */
  @Override
  public void abandon(Duration visibilityDelay) {
    if (settled.compareAndSet(false, true)) {
      consumer.settle(this, false);
    }
  }

  long deliveryTag() {
    return delivery.deliveryTag();
  }

  int generation() {
    return delivery.generation();
  }

  /** The messages received together with this one; null if it was received alone. */
  ReceivedBatch batch() {
    return batch;
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
