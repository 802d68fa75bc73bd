package dev.pump.faults.sut;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.ForwardingTransport;
import java.util.List;
import java.util.Set;

/**
 * The dispatcher's transport with faults: crashes the process after a batch went out (before the
 * dispatcher marks it), and refuses every send to the destinations named broken.
 */
public final class FaultyTransport extends ForwardingTransport {
  private final CrashPlan crash;
  private final Set<String> broken;

  FaultyTransport(Transport delegate, CrashPlan crash, Set<String> broken) {
    super(delegate);
    this.crash = crash;
    this.broken = Set.copyOf(broken);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    if (broken.contains(queue)) {
      throw new TransportException("fault-suite: destination " + queue + " is broken on purpose");
    }
    super.send(queue, batch);
    crash.reached(CrashPlan.Point.AFTER_SEND);
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    if (broken.contains(topics.getFirst())) {
      throw new TransportException("fault-suite: topic " + topics.getFirst() + " is broken");
    }
    super.publish(topics, batch);
    crash.reached(CrashPlan.Point.AFTER_SEND);
  }
}
