package dev.pump.benchmarks.harness;

import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.testing.ForwardingTransport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A transport that tells a {@link Timeline} how long each receive took, when a received message is
 * completed (after the handler's transaction committed) and when a send to the output queue
 * returned; everything else goes straight to the transport it wraps. The endpoint and the
 * dispatcher of an end-to-end run use it, so the timestamps are taken where Pump hands over,
 * without touching Pump's code.
 */
public final class TimedTransport extends ForwardingTransport {
  private final Transport delegate;
  private final Timeline timeline;
  private final String outputQueue;

  public TimedTransport(Transport delegate, Timeline timeline, String outputQueue) {
    super(delegate);
    this.delegate = delegate;
    this.timeline = timeline;
    this.outputQueue = outputQueue;
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    long start = System.nanoTime();
    Optional<ReceivedMessage> received = super.receive(queue, maxWait);
    if (received.isPresent()) {
      timeline.received(System.nanoTime() - start, 1);
    }
    return received.map(Timed::new);
  }

  @Override
  public List<ReceivedMessage> receive(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    long start = System.nanoTime();
    List<ReceivedMessage> received = delegate.receive(queue, max, maxWait, fillWait);
    if (!received.isEmpty()) {
      timeline.received(System.nanoTime() - start, received.size());
    }
    return received.stream().<ReceivedMessage>map(Timed::new).toList();
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    super.send(queue, batch);
    if (queue.equals(outputQueue)) {
      for (OutgoingMessage message : batch) {
        timeline.dispatched(message.headers());
      }
    }
  }

  /**
   * A received message whose completion is timed; the rest, the PostgreSQL transport's open
   * transaction included, is the transport's own.
   */
  private final class Timed extends ForwardingReceivedMessage {
    Timed(ReceivedMessage message) {
      super(message);
    }

    @Override
    public void complete() {
      super.complete();
      timeline.committed(messageId());
    }
  }
}
