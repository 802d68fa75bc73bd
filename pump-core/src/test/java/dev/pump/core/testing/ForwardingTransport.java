package dev.pump.core.testing;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A transport that forwards every call, default ones included, to another; the test and harness
 * transports extend it and override only what they intercept. Thread-safe as its delegate is.
 */
public abstract class ForwardingTransport implements Transport {
  private final Transport delegate;

  /** Forwards to {@code delegate}. */
  protected ForwardingTransport(Transport delegate) {
    this.delegate = delegate;
  }

  /** The transport this one forwards to. */
  protected final Transport delegate() {
    return delegate;
  }

  @Override
  public TransportCapabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public String messagingSystem() {
    return delegate.messagingSystem();
  }

  @Override
  public void createQueue(String queue) {
    delegate.createQueue(queue);
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    return delegate.receive(queue, maxWait);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    delegate.send(queue, batch);
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    delegate.publish(topics, batch);
  }

  @Override
  public void subscribe(String topic, String queue) {
    delegate.subscribe(topic, queue);
  }

  @Override
  public void unsubscribe(String topic, String queue) {
    delegate.unsubscribe(topic, queue);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }
}
