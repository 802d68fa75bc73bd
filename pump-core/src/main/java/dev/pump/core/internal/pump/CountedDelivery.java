package dev.pump.core.internal.pump;

import dev.pump.core.Attributes;
import dev.pump.core.transport.OutgoingMessage;
import dev.pump.core.transport.ReceivedMessage;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A received message with the delivery count {@link RedeliveryCounter} kept for it. Once it is
 * settled for good (completed, or moved atomically) the count is forgotten; an abandoned message
 * comes back and keeps it. Thread-safe as its delegate is.
 */
final class CountedDelivery implements ReceivedMessage {
  private final ReceivedMessage delegate;
  private final int deliveryCount;
  private final Consumer<String> forget;

  CountedDelivery(ReceivedMessage delegate, int deliveryCount, Consumer<String> forget) {
    this.delegate = delegate;
    this.deliveryCount = deliveryCount;
    this.forget = forget;
  }

  @Override
  public int deliveryCount() {
    return deliveryCount;
  }

  @Override
  public String messageId() {
    return delegate.messageId();
  }

  @Override
  public String queue() {
    return delegate.queue();
  }

  @Override
  public Map<String, String> headers() {
    return delegate.headers();
  }

  @Override
  public byte[] body() {
    return delegate.body();
  }

  @Override
  public void contributeAttributes(Attributes attributes) {
    delegate.contributeAttributes(attributes);
  }

  @Override
  public boolean completeAndSend(String queue, OutgoingMessage copy) {
    boolean done = delegate.completeAndSend(queue, copy);
    if (done) {
      forget.accept(messageId());
    }
    return done;
  }

  @Override
  public void complete() {
    delegate.complete();
    forget.accept(messageId());
  }

  @Override
  public void abandon(Duration visibilityDelay) {
    delegate.abandon(visibilityDelay);
  }

  @Override
  public String toString() {
    return delegate + " (delivery " + deliveryCount + " as counted by the storage)";
  }
}
