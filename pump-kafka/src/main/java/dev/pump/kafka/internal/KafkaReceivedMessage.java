package dev.pump.kafka.internal;

import dev.pump.core.Attributes;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One record handed to the pump. Settled at most once: the first of {@code complete} and {@code
 * abandon} wins, later ones do nothing. Thread-safe.
 */
final class KafkaReceivedMessage implements ReceivedMessage {
  private final QueueConsumer consumer;
  private final Fetched fetched;
  private final AtomicBoolean settled = new AtomicBoolean();

  KafkaReceivedMessage(QueueConsumer consumer, Fetched fetched) {
    this.consumer = consumer;
    this.fetched = fetched;
  }

  Fetched fetched() {
    return fetched;
  }

  @Override
  public String messageId() {
    return fetched.received().messageId();
  }

  @Override
  public String queue() {
    return consumer.queue();
  }

  @Override
  public Map<String, String> headers() {
    return fetched.received().headers();
  }

  @Override
  public byte[] body() {
    return fetched.received().body();
  }

  @Override
  public int deliveryCount() {
    return fetched.deliveryCount();
  }

  /**
   * Refuses a record Pump must not handle (no message id, a header that is not UTF-8): the failure
   * is unrecoverable, so the pump parks it in the error queue with this reason before the inbox or
   * a handler sees it, and completes it, so its partition goes on.
   */
  @Override
  public void contributeAttributes(Attributes attributes) {
    if (fetched.received().refusal() != null) {
      throw new UnrecoverableMessageException(fetched.received().refusal());
    }
  }

  /** Settles the record for good: its partition's committed offset may pass it. */
  @Override
  public void complete() {
    if (settled.compareAndSet(false, true)) {
      consumer.returned(this, true);
    }
  }

  /**
   * Hands the record out again from this process, its delivery count one higher; the delay is
   * ignored (Kafka has none). Its partition's committed offset stays below it until it is
   * completed.
   */
  @Override
  public void abandon(Duration visibilityDelay) {
    if (settled.compareAndSet(false, true)) {
      consumer.returned(this, false);
    }
  }

  @Override
  public String toString() {
    return "KafkaReceivedMessage["
        + messageId()
        + " at "
        + fetched.ledger().partition()
        + "@"
        + fetched.offset()
        + "]";
  }
}
