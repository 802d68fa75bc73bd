package dev.pump.faults;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dispatcher's transport with faults: crashes the process after a batch went out (before the
 * dispatcher marks it), and refuses every send to the destinations named broken.
 */
final class FaultyTransport implements Transport {
  private final Transport delegate;
  private final CrashPlan crash;
  private final Set<String> broken;

  FaultyTransport(Transport delegate, CrashPlan crash, Set<String> broken) {
    this.delegate = delegate;
    this.crash = crash;
    this.broken = Set.copyOf(broken);
  }

  @Override
  public TransportCapabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    return delegate.receive(queue, maxWait);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    if (broken.contains(queue)) {
      throw new TransportException("fault-suite: destination " + queue + " is broken on purpose");
    }
    delegate.send(queue, batch);
    crash.reached(CrashPlan.Point.AFTER_SEND);
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    if (broken.contains(topics.getFirst())) {
      throw new TransportException("fault-suite: topic " + topics.getFirst() + " is broken");
    }
    delegate.publish(topics, batch);
    crash.reached(CrashPlan.Point.AFTER_SEND);
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
  public void createQueue(String queue) {
    delegate.createQueue(queue);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
