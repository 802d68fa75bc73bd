package dev.pump.benchmarks.dispatcher;

import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.ForwardingTransport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatcher's transport in the dispatcher scenario: counts send operations, records when each
 * message went out, and refuses every send to one destination if told to; the messages land in an
 * in-memory transport nobody receives from.
 */
final class SendTimes extends ForwardingTransport {
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final AtomicLong operations = new AtomicLong();
  private final String failing;

  /**
   * @param failing a destination every send to which fails, or null
   */
  SendTimes(String failing) {
    super(InMemoryTransport.create());
    this.failing = failing;
  }

  @Override
  public TransportCapabilities capabilities() {
    return new TransportCapabilities(false, false, true, 1 << 20);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    if (queue.equals(failing)) {
      throw new TransportException(queue + " is down");
    }
    operations.incrementAndGet();
    super.send(queue, batch);
    long now = System.nanoTime();
    batch.forEach(m -> sentAt.put(m.messageId(), now));
  }

  /** How many messages went out. */
  int sent() {
    return sentAt.size();
  }

  /** How many successful send operations there were. */
  long operations() {
    return operations.get();
  }
}
