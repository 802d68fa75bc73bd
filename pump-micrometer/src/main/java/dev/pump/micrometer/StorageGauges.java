package dev.pump.micrometer;

import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpOperations;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gauges of a {@link JdbcStorage}'s outbox and PostgreSQL queues, set from one {@link
 * PumpOperations#statistics()} query per sample, and the inbox's duplicates counter, read from
 * memory. The only class that needs {@code dev.pump.jdbc}, which is optional. Thread-safe.
 */
final class StorageGauges implements Sampler.Part {
  static final String OUTBOX_PENDING = "pump.outbox.pending";
  static final String OUTBOX_PARKED = "pump.outbox.parked";
  static final String OUTBOX_OLDEST_AGE = "pump.outbox.oldest.age";
  static final String QUEUE_DEPTH = "pump.queue.depth";
  static final String QUEUE_VISIBLE = "pump.queue.visible";
  static final String QUEUE_OLDEST_AGE = "pump.queue.oldest.age";
  static final String ERROR_QUEUE_MESSAGES = "pump.error.queue.messages";
  static final String DUPLICATES_SKIPPED = "pump.inbox.duplicates.skipped";
  static final String LONGEST_TRANSACTION = "pump.database.longest.transaction.age";

  private final PumpOperations operations;
  private final SampledGauges outboxPending;
  private final SampledGauges outboxParked;
  private final SampledGauges outboxOldest;
  private final SampledGauges queueDepth;
  private final SampledGauges queueVisible;
  private final SampledGauges queueOldest;
  private final SampledGauges errorQueueMessages;
  private final Set<String> errorQueues = ConcurrentHashMap.newKeySet();
  private volatile double longestTransactionSeconds;

  StorageGauges(MeterRegistry registry, JdbcStorage storage) {
    this.operations = storage.operations();
    String destination = "destination";
    outboxPending =
        SampledGauges.counts(
            registry, OUTBOX_PENDING, destination, "Outbox rows waiting to be dispatched");
    outboxParked =
        SampledGauges.counts(
            registry, OUTBOX_PARKED, destination, "Outbox rows parked after too many failed sends");
    outboxOldest =
        SampledGauges.ages(
            registry,
            OUTBOX_OLDEST_AGE,
            destination,
            "How long the oldest outbox row waiting to be dispatched has waited");
    String queue = "queue";
    queueDepth =
        SampledGauges.counts(
            registry, QUEUE_DEPTH, queue, "Messages in a PostgreSQL queue, delayed or held too");
    queueVisible =
        SampledGauges.counts(
            registry, QUEUE_VISIBLE, queue, "Messages of a PostgreSQL queue a receive could take");
    queueOldest =
        SampledGauges.ages(
            registry,
            QUEUE_OLDEST_AGE,
            queue,
            "How long the oldest message of a PostgreSQL queue has been in it");
    errorQueueMessages =
        SampledGauges.counts(
            registry,
            ERROR_QUEUE_MESSAGES,
            queue,
            "Messages in an endpoint's PostgreSQL error queue, failed for good");
    TimeGauge.builder(LONGEST_TRANSACTION, this, TimeUnit.SECONDS, g -> g.longestTransactionSeconds)
        .description(
            "How long the oldest transaction open in the database has run: it holds back vacuum"
                + " of Pump's tables")
        .register(registry);
    FunctionCounter.builder(DUPLICATES_SKIPPED, operations, PumpOperations::duplicatesSkipped)
        .description("Duplicate messages the inbox skipped in this process")
        .register(registry);
  }

  /** Shows the depth of the PostgreSQL error queue {@code queue} too, 0 until sampled. */
  void errorQueue(String queue) {
    if (errorQueues.add(queue)) {
      errorQueueMessages.register(queue);
    }
  }

  @Override
  public void sample() {
    PumpOperations.Statistics statistics = operations.statistics();
    Map<String, Double> pending = new HashMap<>();
    Map<String, Double> parked = new HashMap<>();
    Map<String, Double> outboxAge = new HashMap<>();
    for (PumpOperations.OutboxStatistics outbox : statistics.outbox()) {
      pending.put(outbox.destination(), (double) outbox.pending());
      parked.put(outbox.destination(), (double) outbox.parked());
      outboxAge.put(outbox.destination(), seconds(outbox.oldestPendingAge().toMillis()));
    }
    Map<String, Double> depth = new HashMap<>();
    Map<String, Double> visible = new HashMap<>();
    Map<String, Double> queueAge = new HashMap<>();
    Map<String, Double> failed = new HashMap<>();
    for (PumpOperations.QueueDepth queue : statistics.queues()) {
      depth.put(queue.queue(), (double) queue.messages());
      visible.put(queue.queue(), (double) queue.visible());
      queueAge.put(queue.queue(), seconds(queue.oldestAge().toMillis()));
      if (errorQueues.contains(queue.queue())) {
        failed.put(queue.queue(), (double) queue.messages());
      }
    }
    outboxPending.update(pending);
    outboxParked.update(parked);
    outboxOldest.update(outboxAge);
    queueDepth.update(depth);
    queueVisible.update(visible);
    queueOldest.update(queueAge);
    errorQueueMessages.update(failed);
    longestTransactionSeconds = seconds(statistics.longestTransaction().toMillis());
  }

  private static double seconds(long millis) {
    return millis / 1000.0;
  }
}
