package dev.pump.rabbitmq.internal;

import dev.pump.rabbitmq.RabbitMqTransport.ReceiveStatistics;
import java.util.concurrent.atomic.LongAdder;

/** What the queue consumers of one transport settled on the broker so far. Thread-safe. */
final class SettleCounters {
  private final LongAdder acks = new LongAdder();
  private final LongAdder messagesAcknowledged = new LongAdder();
  private final LongAdder messagesRequeued = new LongAdder();

  void acknowledged(int messages) {
    acks.increment();
    messagesAcknowledged.add(messages);
  }

  void requeued() {
    messagesRequeued.increment();
  }

  ReceiveStatistics snapshot() {
    return new ReceiveStatistics(acks.sum(), messagesAcknowledged.sum(), messagesRequeued.sum());
  }
}
