package dev.pump.core.memory;

import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** One delivery of an in-memory message; settles its lease at most once. */
final class Delivery implements ReceivedMessage {
  private final InMemoryTransport transport;
  private final MemoryQueue queue;
  private final MemoryQueue.Envelope envelope;
  private final long lease;
  private final int deliveryCount;
  private final AtomicBoolean settled = new AtomicBoolean();

  Delivery(
      InMemoryTransport transport, MemoryQueue queue, MemoryQueue.Envelope envelope, long lease) {
    this.transport = transport;
    this.queue = queue;
    this.envelope = envelope;
    this.lease = lease;
    this.deliveryCount = envelope.deliveryCount;
  }

  @Override
  public String messageId() {
    return envelope.message.messageId();
  }

  @Override
  public String queue() {
    return queue.name();
  }

  @Override
  public Map<String, String> headers() {
    return envelope.message.headers();
  }

  @Override
  public byte[] body() {
    return envelope.message.body();
  }

  @Override
  public int deliveryCount() {
    return deliveryCount;
  }

  @Override
  public void complete() {
    transport.checkOpen("complete " + messageId());
    if (settled.compareAndSet(false, true)) {
      queue.complete(lease);
    }
  }

  @Override
  public void abandon(Duration visibilityDelay) {
    Objects.requireNonNull(visibilityDelay, "visibilityDelay");
    transport.checkOpen("abandon " + messageId());
    if (settled.compareAndSet(false, true)) {
      queue.abandon(lease, visibilityDelay);
    }
  }

  @Override
  public String toString() {
    return "Delivery[" + messageId() + " from " + queue.name() + ", #" + deliveryCount + "]";
  }
}
