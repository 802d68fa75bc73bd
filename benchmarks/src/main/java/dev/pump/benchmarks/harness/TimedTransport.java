package dev.pump.benchmarks.harness;

import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.testing.ForwardingTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A transport that tells a {@link Timeline} how long each receive took, when a received message is
 * completed (after the handler's transaction committed: for the messages of one receive, which may
 * share a transaction that commits with the last settle, when the last of them is settled) and when
 * a send to the output queue returned; everything else goes straight to the transport it wraps. The
 * endpoint and the dispatcher of an end-to-end run use it, so the timestamps are taken where Pump
 * hands over, without touching Pump's code.
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
    return received.map(message -> new Timed(message, new Together(1)));
  }

  @Override
  public List<ReceivedMessage> receive(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    long start = System.nanoTime();
    List<ReceivedMessage> received = delegate.receive(queue, max, maxWait, fillWait);
    if (!received.isEmpty()) {
      timeline.received(System.nanoTime() - start, received.size());
    }
    Together together = new Together(received.size());
    return received.stream().<ReceivedMessage>map(message -> new Timed(message, together)).toList();
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
   * The messages of one receive: their completions are stamped once all of them are settled, when a
   * transaction they share has committed.
   */
  private final class Together {
    private final int size;
    private final List<String> completed = new ArrayList<>();
    private int settled;

    Together(int size) {
      this.size = size;
    }

    synchronized void settled(String completedId) {
      settled++;
      if (completedId != null) {
        completed.add(completedId);
      }
      if (settled == size) {
        completed.forEach(timeline::committed);
      }
    }
  }

  /**
   * A received message whose completion is timed; the rest, the PostgreSQL transport's open
   * transaction included, is the transport's own.
   */
  private final class Timed extends ForwardingReceivedMessage {
    private final Together together;

    Timed(ReceivedMessage message, Together together) {
      super(message);
      this.together = together;
    }

    @Override
    public void complete() {
      boolean done = false;
      try {
        super.complete();
        done = true;
      } finally {
        together.settled(done ? messageId() : null);
      }
    }

    @Override
    public boolean completeAndSend(String queue, OutgoingMessage copy) {
      boolean moved = true; // a move that throws is settled too: the first settle call wins
      try {
        moved = super.completeAndSend(queue, copy);
        return moved;
      } finally {
        if (moved) { // false: nothing happened, and the pump sends, then completes
          together.settled(null);
        }
      }
    }

    @Override
    public void abandon(Duration visibilityDelay) {
      try {
        super.abandon(visibilityDelay);
      } finally {
        together.settled(null);
      }
    }
  }
}
