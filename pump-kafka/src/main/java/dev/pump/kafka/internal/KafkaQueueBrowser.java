package dev.pump.kafka.internal;

import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.TransportException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Browses a queue that is browsed rather than received, such as an error queue: its records are
 * those of its topic from the queue's group's committed offsets on, less those taken ({@link
 * TakenOffsets}). A consumer in no group reads them up to the end offsets as of the start, at most
 * {@value #MAX_READ}; they are shown oldest first (record time, then partition and offset), with a
 * delivery count of 1. A taken record is marked in the group's offsets after the visitor returned;
 * if that fails, it shows again (never lost). Two browses at once may each undo the other's takes,
 * which then show again. Thread-safe.
 */
final class KafkaQueueBrowser implements QueueBrowser {
  private static final int MAX_READ = 10_000;
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaSettings settings;
  private final TopicAdmin admin;
  private final ClientFactory clients;

  KafkaQueueBrowser(KafkaSettings settings, TopicAdmin admin, ClientFactory clients) {
    this.settings = settings;
    this.admin = admin;
    this.clients = clients;
  }

  @Override
  public int browse(String queue, int max, Visitor visitor) throws InterruptedException {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    String topic = settings.topicNames().topic("queue", queue);
    String group = settings.topicNames().group(queue);
    String operation = "browse queue " + queue;
    Map<TopicPartition, TakenOffsets> taken = new HashMap<>();
    Map<TopicPartition, Long> ends = new HashMap<>();
    try {
      positions(topic, group, operation, taken, ends);
    } catch (TransportException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return 0; // no topic, no messages
      }
      throw e;
    }
    List<ConsumerRecord<byte[], byte[]>> records = read(queue, taken, ends, operation);
    records.sort(
        Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp())
            .thenComparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    int shown = 0;
    boolean changed = false;
    try {
      for (ConsumerRecord<byte[], byte[]> record : records) {
        if (shown >= max) {
          break;
        }
        KafkaRecords.Received received = KafkaRecords.received(record, Long.MAX_VALUE);
        shown++;
        Decision decision =
            visitor.visit(
                new BrowsedMessage(
                    shown,
                    received.messageId(),
                    received.headers(),
                    received.body(),
                    Instant.ofEpochMilli(record.timestamp()),
                    1));
        if (decision == Decision.TAKE) {
          taken.get(new TopicPartition(record.topic(), record.partition())).take(record.offset());
          changed = true;
        } else if (decision == Decision.STOP) {
          break;
        }
      }
    } finally {
      if (changed) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        taken.forEach((partition, offsetsTaken) -> offsets.put(partition, offsetsTaken.toCommit()));
        admin.await(admin.admin().alterConsumerGroupOffsets(group, offsets).all(), operation);
      }
    }
    return shown;
  }

  private void positions(
      String topic,
      String group,
      String operation,
      Map<TopicPartition, TakenOffsets> taken,
      Map<TopicPartition, Long> ends) {
    TopicDescription description =
        admin
            .await(admin.admin().describeTopics(List.of(topic)).allTopicNames(), operation)
            .get(topic);
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    description
        .partitions()
        .forEach(p -> {
          TopicPartition partition = new TopicPartition(topic, p.partition());
          earliest.put(partition, OffsetSpec.earliest());
          latest.put(partition, OffsetSpec.latest());
        });
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.await(
            admin.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
            operation);
    Map<TopicPartition, ListOffsetsResultInfo> starts =
        admin.await(admin.admin().listOffsets(earliest).all(), operation);
    admin
        .await(admin.admin().listOffsets(latest).all(), operation)
        .forEach((partition, end) -> ends.put(partition, end.offset()));
    starts.forEach((partition, start) ->
        taken.put(partition, new TakenOffsets(committed.get(partition), start.offset())));
  }

  private List<ConsumerRecord<byte[], byte[]>> read(
      String queue,
      Map<TopicPartition, TakenOffsets> taken,
      Map<TopicPartition, Long> ends,
      String operation)
      throws InterruptedException {
    List<TopicPartition> unread = new ArrayList<>();
    taken.forEach((partition, offsets) -> {
      if (offsets.start() < ends.get(partition)) {
        unread.add(partition);
      }
    });
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    if (unread.isEmpty()) {
      return records;
    }
    long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.browser(queue)) {
      consumer.assign(unread);
      unread.forEach(partition -> consumer.seek(partition, taken.get(partition).start()));
      while (!unread.isEmpty() && records.size() < MAX_READ) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while trying to " + operation);
        }
        if (System.nanoTime() > deadline) {
          throw new TransportException(
              "cannot "
                  + operation
                  + ": its records up to the end were not read within "
                  + settings.sendTimeout());
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < ends.get(partition)
              && !taken.get(partition).isTaken(record.offset())) {
            records.add(record);
          }
        }
        unread.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
      }
    }
    return records;
  }
}
