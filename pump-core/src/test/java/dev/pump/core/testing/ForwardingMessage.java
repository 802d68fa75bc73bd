package dev.pump.core.testing;

import dev.pump.core.Attributes;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.Map;

/** Delegates every method, default ones included; tests override what they want to observe. */
public class ForwardingMessage implements ReceivedMessage {
  private final ReceivedMessage delegate;

  public ForwardingMessage(ReceivedMessage delegate) {
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
}
