package dev.pump.core.internal.pump;

import dev.pump.core.Attributes;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.Map;

/**
 * A received message that forwards every call, default ones included, to another; the pump's
 * wrappers and the test harnesses' override what they add. Public for those harnesses only: the
 * package is internal, not exported, and not supported API. Thread-safe as its delegate is.
 */
public abstract class ForwardingReceivedMessage implements ReceivedMessage {
  private final ReceivedMessage delegate;

  protected ForwardingReceivedMessage(ReceivedMessage delegate) {
    this.delegate = delegate;
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
  public int deliveryCount() {
    return delegate.deliveryCount();
  }

  @Override
  public void contributeAttributes(Attributes attributes) {
    delegate.contributeAttributes(attributes);
  }

  @Override
  public boolean completeAndSend(String queue, OutgoingMessage copy) {
    return delegate.completeAndSend(queue, copy);
  }

  @Override
  public void complete() {
    delegate.complete();
  }

  @Override
  public void abandon(Duration visibilityDelay) {
    delegate.abandon(visibilityDelay);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
