package dev.pump.kafka.internal;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of one queue: its topic and the topics it is subscribed to, in the queue's consumer
 * group. Kafka's consumer is single-threaded, so one poll thread alone touches it: it polls, pauses
 * the partitions while the {@link RecordBuffer} is full, commits each partition's watermark, and
 * lets partitions go in rebalances. The pump takes and settles records from any thread through the
 * buffer. Thread-safe.
 */
final class QueueConsumer implements ConsumerRebalanceListener {
  private static final Logger log = LoggerFactory.getLogger(Loggers.TRANSPORT);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final String queue;
  private final KafkaSettings settings;
  private final Subscriptions subscriptions;
  private final KafkaConsumer<byte[], byte[]> consumer; // the poll thread's alone
  private final RecordBuffer buffer;
  private final Thread pollThread;
  private final AtomicBoolean subscriptionChanged = new AtomicBoolean(true);
  private volatile boolean closing;
  private volatile boolean paused;
  private volatile RuntimeException failure;

  private QueueConsumer(
      String queue,
      KafkaSettings settings,
      Subscriptions subscriptions,
      KafkaConsumer<byte[], byte[]> consumer) {
    this.queue = queue;
    this.settings = settings;
    this.subscriptions = subscriptions;
    this.consumer = consumer;
    this.buffer = new RecordBuffer(settings.maxInFlight());
    this.pollThread =
        Thread.ofPlatform().name("pump-kafka-poll-" + queue).daemon(true).unstarted(this::run);
  }

  /** Creates the consumer of {@code queue} and starts its poll thread. */
  static QueueConsumer start(
      String queue, KafkaSettings settings, Subscriptions subscriptions, ClientFactory clients) {
    QueueConsumer started =
        new QueueConsumer(
            queue,
            settings,
            subscriptions,
            clients.consumer(settings.topicNames().group(queue), queue));
    started.pollThread.start();
    return started;
  }

  String queue() {
    return queue;
  }

  /** Takes up to {@code max} records; see {@link RecordBuffer#take}. */
  List<ReceivedMessage> take(int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    return buffer.take(this, max, maxWait, fillWait);
  }

  /** Fails a waiting receive when the consumer has died or closed. */
  void checkAlive() {
    RuntimeException failed = failure;
    if (failed != null) {
      throw new TransportException(
          "cannot receive from " + queue + ": " + failed.getMessage(), failed);
    }
    if (closing) {
      throw new TransportException("cannot receive from " + queue + ": its consumer is closed");
    }
  }

  boolean isDead() {
    return failure != null;
  }

  /** The queue's subscriptions changed: the poll thread subscribes anew before its next poll. */
  void subscriptionsChanged() {
    subscriptionChanged.set(true);
    consumer.wakeup();
  }

  /** A handed-out record came back; a full buffer that got room wakes the poll thread. */
  void returned(KafkaReceivedMessage message, boolean completed) {
    if (buffer.returned(message.fetched(), completed) && paused) {
      consumer.wakeup(); // resume at once rather than after the poll timeout
    }
  }

  /** Records held now, waiting or handed out: never more than twice {@code maxInFlight}. */
  int held() {
    return buffer.held();
  }

  private void run() {
    try {
      while (!closing) {
        if (subscriptionChanged.getAndSet(false)) {
          consumer.subscribe(subscriptions.kafkaTopics(queue), this);
        }
        if (buffer.isFull()) {
          consumer.pause(consumer.assignment());
          paused = true;
        } else if (paused) {
          consumer.resume(consumer.paused());
          paused = false;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(settings.pollTimeout());
        } catch (WakeupException woken) {
          records = ConsumerRecords.empty();
        }
        List<Fetched> staged = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
          Fetched fetched = stage(record);
          if (fetched != null) {
            staged.add(fetched);
          }
        }
        if (!staged.isEmpty()) {
          commitFetched();
          buffer.release(staged);
        }
        commitAsync();
      }
    } catch (RuntimeException e) {
      if (!closing) {
        failure = e;
        log.error(
            "The Kafka consumer of queue {} failed; the next receive starts another", queue, e);
      }
    } finally {
      finish();
    }
  }

  private Fetched stage(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    PartitionLedger ledger = buffer.ledger(partition);
    if (ledger == null) {
      // owned, but its assignment callback failed half way: a ledger that knows no earlier
      // deliveries, rather than a record skipped
      ledger = buffer.assigned(partition, null);
    }
    KafkaRecords.Received received = KafkaRecords.received(record, settings.maxMessageBytes());
    boolean take =
        subscriptions.takes(
            queue, settings.topicNames().name(record.topic()), received.publishedTopics());
    return buffer.stage(ledger, record.offset(), received, take);
  }

  // Before a fetched record can be handed out, the end of what was fetched is committed: a handler
  // that kills its process leaves behind that its record was delivered, so the next owner runs
  // it alone and the pump counts its deliveries. A commit that fails (a rebalance under way) is
  // not waited for: the records go out, and the next cycle commits again.
  private void commitFetched() {
    Map<TopicPartition, OffsetAndMetadata> offsets = buffer.toCommit();
    if (offsets.isEmpty()) {
      return;
    }
    try {
      commitSync(offsets, settings.sendTimeout());
    } catch (RuntimeException e) {
      buffer.commitFailed(offsets);
      log.debug("Commit of what queue {} fetched failed: {}", queue, e.toString());
    }
  }

  private void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = buffer.toCommit();
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(
        offsets,
        (committed, e) -> {
          if (e != null) {
            // typically a rebalance in progress: the next cycle sends it again
            buffer.commitFailed(offsets);
            log.debug("Commit of queue {} failed: {}", queue, e.toString());
          }
        });
  }

  private void finish() {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = buffer.close();
      if (!offsets.isEmpty() && failure == null) {
        commitSync(offsets, CLOSE_WAIT);
      }
    } catch (RuntimeException e) {
      log.warn("Final commit of queue {} failed; its next owner delivers again", queue, e);
    } finally {
      try {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(CLOSE_WAIT));
      } catch (RuntimeException e) {
        log.debug("Closing the consumer of queue {} failed", queue, e);
      }
      buffer.wakeTakers();
    }
  }

  /** Reads what the group committed for the partitions, and where each starts. Poll thread. */
  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committed(Set.copyOf(partitions));
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      PartitionLedger ledger = buffer.assigned(partition, offset);
      if (offset == null) {
        Long start = subscriptions.startOffset(queue, partition);
        if (start != null) {
          consumer.seek(partition, start);
          buffer.startAt(ledger, start);
        }
      }
    }
    log.debug("Queue {} got partitions {}", queue, partitions);
  }

  /** Waits (bounded) for the partitions' records in flight, then commits them. Poll thread. */
  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets =
        buffer.revoke(partitions, closing ? Duration.ZERO : settings.revokeWait());
    if (!offsets.isEmpty()) {
      try {
        commitSync(offsets, settings.sendTimeout());
      } catch (RuntimeException e) {
        log.warn(
            "Commit of queue {} for revoked partitions failed; their next owner delivers again",
            queue,
            e);
      }
    }
    log.debug("Queue {} let partitions {} go", queue, partitions);
  }

  /** The partitions are someone else's already: nothing may be committed. Poll thread. */
  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    buffer.lost(partitions);
  }

  // wakeup() (a resume, a new subscription, close) may land in a callback's blocking call: the
  // call is made again, since a wakeup is spent once thrown
  private Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    try {
      return consumer.committed(partitions, settings.sendTimeout());
    } catch (WakeupException woken) {
      return consumer.committed(partitions, settings.sendTimeout());
    }
  }

  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    try {
      consumer.commitSync(offsets, timeout);
    } catch (WakeupException woken) {
      consumer.commitSync(offsets, timeout);
    }
  }

  /** Stops the poll thread: settled records are committed, unsettled ones come back. */
  void close() {
    closing = true;
    consumer.wakeup();
    buffer.wakeTakers();
    if (Thread.currentThread() != pollThread) {
      try {
        pollThread.join(CLOSE_WAIT.plusSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
