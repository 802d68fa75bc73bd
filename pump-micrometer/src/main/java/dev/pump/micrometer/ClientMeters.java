package dev.pump.micrometer;

import dev.pump.core.spi.Destination;
import dev.pump.core.spi.telemetry.SendObservation;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of transport operations: OpenTelemetry's {@code messaging.client.*} per receive and
 * per batch sent, and Pump's {@code pump.transport.*}, which show what batching saves. Meters are
 * cached per tag set, so an operation costs a map lookup and the meter updates. Thread-safe.
 */
final class ClientMeters {
  static final String OPERATION_DURATION = "messaging.client.operation.duration";
  static final String SENT = "messaging.client.sent.messages";
  static final String CONSUMED = "messaging.client.consumed.messages";
  static final String OPERATION_MESSAGES = "pump.transport.operation.messages";
  static final String OPERATIONS_SAVED = "pump.transport.operations.saved";

  static final String RECEIVE = "receive";

  private final MeterRegistry registry;
  private final Clock clock;
  private final ConcurrentMap<Key, Operation> operations = new ConcurrentHashMap<>();
  private final ConcurrentMap<BatchKey, Batching> batching = new ConcurrentHashMap<>();

  ClientMeters(MeterRegistry registry) {
    this.registry = registry;
    this.clock = registry.config().clock();
  }

  /** A receive returned {@code messages} messages after {@code took}. */
  void received(String system, String queue, int messages, Duration took, Throwable failure) {
    Operation operation = operation(new Key(system, queue, RECEIVE, Tagging.errorType(failure)));
    operation.duration.record(took.toNanos(), TimeUnit.NANOSECONDS);
    if (messages > 0) {
      operation.messages.increment(messages);
      batching(RECEIVE, system).record(messages);
    }
  }

  /** A batch of {@code size} messages is about to be handed to the transport. */
  SendObservation sending(String system, Destination destination, int size) {
    long started = clock.monotonicTime();
    return failure -> {
      long took = clock.monotonicTime() - started;
      String operationName = Tagging.operationName(destination);
      Operation operation =
          operation(
              new Key(
                  system,
                  Tagging.destinationName(destination),
                  operationName,
                  Tagging.errorType(failure)));
      operation.duration.record(took, TimeUnit.NANOSECONDS);
      if (size > 0) {
        operation.messages.increment(size);
        batching(operationName, system).record(size);
      }
    };
  }

  private Operation operation(Key key) {
    Operation operation = operations.get(key);
    return operation != null ? operation : operations.computeIfAbsent(key, this::register);
  }

  private Operation register(Key key) {
    Timer duration =
        Timer.builder(OPERATION_DURATION)
            .description(
                "Duration of a messaging operation: a receive, or a batch handed to the transport")
            .tag(Tagging.SYSTEM, key.system)
            .tag(Tagging.DESTINATION, key.destination)
            .tag(Tagging.OPERATION, key.operation)
            .tag(Tagging.ERROR_TYPE, key.errorType)
            .serviceLevelObjectives(Tagging.DURATION_BUCKETS)
            .register(registry);
    boolean receive = key.operation.equals(RECEIVE);
    Counter messages =
        Counter.builder(receive ? CONSUMED : SENT)
            .description(
                receive
                    ? "Messages received from the transport"
                    : "Messages handed to the transport to send")
            .baseUnit("messages")
            .tag(Tagging.SYSTEM, key.system)
            .tag(Tagging.DESTINATION, key.destination)
            .tag(Tagging.OPERATION, key.operation)
            .tag(Tagging.ERROR_TYPE, key.errorType)
            .register(registry);
    return new Operation(duration, messages);
  }

  private Batching batching(String operation, String system) {
    BatchKey key = new BatchKey(operation, system);
    Batching meters = batching.get(key);
    return meters != null ? meters : batching.computeIfAbsent(key, this::register);
  }

  private Batching register(BatchKey key) {
    DistributionSummary messages =
        DistributionSummary.builder(OPERATION_MESSAGES)
            .description("Messages per transport operation that carried any")
            .baseUnit("messages")
            .tag("operation", key.operation)
            .tag(Tagging.SYSTEM, key.system)
            .register(registry);
    Counter saved =
        Counter.builder(OPERATIONS_SAVED)
            .description(
                "Transport operations saved by batching: the messages of each operation but one")
            .tag("operation", key.operation)
            .tag(Tagging.SYSTEM, key.system)
            .register(registry);
    return new Batching(messages, saved);
  }

  private record Key(String system, String destination, String operation, String errorType) {}

  private record Operation(Timer duration, Counter messages) {}

  private record BatchKey(String operation, String system) {}

  private record Batching(DistributionSummary messages, Counter saved) {
    void record(int size) {
      messages.record(size);
      saved.increment(size - 1);
    }
  }
}
