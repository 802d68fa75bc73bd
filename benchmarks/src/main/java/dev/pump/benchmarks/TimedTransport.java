package dev.pump.benchmarks;

import dev.pump.core.Attributes;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A transport that tells a {@link Timeline} how long each receive took, when a received message is
 * completed (after the handler's transaction committed) and when a send to the output queue
 * returned; everything else goes straight to the transport it wraps. The endpoint and the
 * dispatcher of an end-to-end run use it, so the timestamps are taken where Pump hands over,
 * without touching Pump's code.
 */
final class TimedTransport implements Transport {
  private final Transport delegate;
  private final Timeline timeline;
  private final String outputQueue;

  TimedTransport(Transport delegate, Timeline timeline, String outputQueue) {
    this.delegate = delegate;
    this.timeline = timeline;
    this.outputQueue = outputQueue;
  }

  @Override
  public TransportCapabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public void createQueue(String queue) {
    delegate.createQueue(queue);
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    long start = System.nanoTime();
    Optional<ReceivedMessage> received = delegate.receive(queue, maxWait);
    if (received.isPresent()) {
      timeline.received(System.nanoTime() - start);
    }
    return received.map(Timed::new);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    delegate.send(queue, batch);
    if (queue.equals(outputQueue)) {
      for (OutgoingMessage message : batch) {
        timeline.dispatched(message.headers());
      }
    }
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

  /** A received message whose completion is timed; the rest is the transport's own. */
  private final class Timed implements ReceivedMessage {
    private final ReceivedMessage message;

    Timed(ReceivedMessage message) {
      this.message = message;
    }

    @Override
    public String messageId() {
      return message.messageId();
    }

    @Override
    public String queue() {
      return message.queue();
    }

    @Override
    public Map<String, String> headers() {
      return message.headers();
    }

    @Override
    public byte[] body() {
      return message.body();
    }

    @Override
    public int deliveryCount() {
      return message.deliveryCount();
    }

    @Override
    public void contributeAttributes(Attributes attributes) {
      // the PostgreSQL transport's open transaction reaches the unit of work this way
      message.contributeAttributes(attributes);
    }

    @Override
    public boolean completeAndSend(String queue, OutgoingMessage copy) {
      return message.completeAndSend(queue, copy);
    }

    @Override
    public void complete() {
      message.complete();
      timeline.committed(message.messageId());
    }

    @Override
    public void abandon(Duration visibilityDelay) {
      message.abandon(visibilityDelay);
    }
  }
}
