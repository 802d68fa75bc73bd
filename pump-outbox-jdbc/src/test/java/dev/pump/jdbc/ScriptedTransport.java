package dev.pump.jdbc;

import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.core.testing.ForwardingTransport;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A transport for dispatcher tests: records every batch it is handed, fails the destinations it is
 * told to, and can run a hook inside a send. What it sends lands in an in-memory transport nobody
 * receives from.
 */
final class ScriptedTransport extends ForwardingTransport {
  /** One send or publish call. */
  record Batch(String destination, List<String> messageIds, Instant at) {}

  final List<Batch> batches = new CopyOnWriteArrayList<>();
  final Set<String> failing = ConcurrentHashMap.newKeySet();
  final Set<String> unavailable = ConcurrentHashMap.newKeySet();
  final Set<String> failOnceIds = ConcurrentHashMap.newKeySet();
  volatile Consumer<String> duringSend = destination -> {};
  volatile Consumer<List<String>> beforeEachBatch = ids -> {};
  volatile Consumer<List<String>> afterEachBatch = ids -> {};

  volatile long maxMessageBytes = 64L * 1024 * 1024;

  ScriptedTransport() {
    super(InMemoryTransport.create());
  }

  @Override
  public TransportCapabilities capabilities() {
    return new TransportCapabilities(false, true, true, maxMessageBytes);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    handle(queue, batch, () -> super.send(queue, batch));
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    handle(topics.getFirst(), batch, () -> super.publish(topics, batch));
  }

  private void handle(String destination, List<OutgoingMessage> batch, Runnable forward) {
    List<String> ids = batch.stream().map(OutgoingMessage::messageId).toList();
    beforeEachBatch.accept(ids);
    try {
      attempt(destination, batch);
      forward.run();
    } finally {
      afterEachBatch.accept(ids);
    }
  }

  private void attempt(String destination, List<OutgoingMessage> batch) {
    duringSend.accept(destination);
    if (failing.contains(destination)) {
      throw new TransportException(destination + " is unreachable");
    }
    if (unavailable.contains(destination)) {
      throw new TransportUnavailableException("no connection to the broker of " + destination);
    }
    for (OutgoingMessage message : batch) {
      if (failOnceIds.remove(message.messageId())) {
        throw new TransportException("a hiccup on " + message.messageId());
      }
    }
    batches.add(
        new Batch(
            destination, batch.stream().map(OutgoingMessage::messageId).toList(), Instant.now()));
  }

  List<Integer> shapes(String destination) {
    return batches.stream()
        .filter(b -> b.destination().equals(destination))
        .map(b -> b.messageIds().size())
        .toList();
  }

  List<String> sentIds() {
    return batches.stream().flatMap(b -> b.messageIds().stream()).toList();
  }
}
