package dev.pump.core.testing;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Forwards to a transport and records what the pump does with it: every send and publish call with
 * its batch size, how many sends overlap, how many receives were attempted; it can also fail
 * receives on demand, or run a hook before each receive, send or queue creation.
 */
public final class RecordingTransport extends ForwardingTransport {
  /** One call to send or publish. */
  public record Call(String destination, int batchSize) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger sendsInFlight = new AtomicInteger();
  private final AtomicInteger maxSendsInFlight = new AtomicInteger();
  private final AtomicInteger receiveAttempts = new AtomicInteger();
  private volatile boolean receiveFails;
  private volatile Function<ReceivedMessage, ReceivedMessage> onReceived = m -> m;
  private volatile Runnable beforeSend = () -> {};
  private volatile Runnable beforeReceive = () -> {};
  private volatile Runnable beforeCreateQueue = () -> {};
  private volatile TransportCapabilities capabilities;

  public RecordingTransport(Transport delegate) {
    super(delegate);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> callsTo(String destination) {
    return calls.stream().filter(c -> c.destination().equals(destination)).toList();
  }

  public int maxSendsInFlight() {
    return maxSendsInFlight.get();
  }

  public int receiveAttempts() {
    return receiveAttempts.get();
  }

  public void failReceives(boolean fail) {
    this.receiveFails = fail;
  }

  public void beforeSend(Runnable hook) {
    this.beforeSend = hook;
  }

  public void beforeReceive(Runnable hook) {
    this.beforeReceive = hook;
  }

  public void beforeCreateQueue(Runnable hook) {
    this.beforeCreateQueue = hook;
  }

  public void onReceived(Function<ReceivedMessage, ReceivedMessage> decorator) {
    this.onReceived = decorator;
  }

  /** Claims other capabilities than the wrapped transport's. */
  public RecordingTransport claiming(TransportCapabilities claimed) {
    this.capabilities = claimed;
    return this;
  }

  @Override
  public TransportCapabilities capabilities() {
    TransportCapabilities claimed = capabilities;
    return claimed != null ? claimed : super.capabilities();
  }

  @Override
  public void createQueue(String queue) {
    beforeCreateQueue.run();
    super.createQueue(queue);
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    receiveAttempts.incrementAndGet();
    beforeReceive.run();
    if (receiveFails) {
      throw new TransportException("receive from " + queue + " failed: broker unreachable");
    }
    return super.receive(queue, maxWait).map(onReceived);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    record(queue, batch.size(), () -> super.send(queue, batch));
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    record(topics.getFirst(), batch.size(), () -> super.publish(topics, batch));
  }

  private void record(String destination, int size, Runnable action) {
    int now = sendsInFlight.incrementAndGet();
    maxSendsInFlight.accumulateAndGet(now, Math::max);
    try {
      beforeSend.run();
      calls.add(new Call(destination, size));
      action.run();
    } finally {
      sendsInFlight.decrementAndGet();
    }
  }
}
