package dev.pump.kafka.internal;

import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topics and consumer-group offsets through Kafka's admin client, opened on first use: creates
 * topics idempotently, remembers those known to exist, and starts a new subscription at the end of
 * its topic. Thread-safe.
 */
final class TopicAdmin implements AutoCloseable {
  private static final java.time.Duration RETRY_PAUSE = java.time.Duration.ofMillis(50);

  private final KafkaSettings settings;
  private final ClientFactory clients;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private volatile Admin admin;

  TopicAdmin(KafkaSettings settings, ClientFactory clients) {
    this.settings = settings;
    this.clients = clients;
  }

  /**
   * Creates {@code topic} unless it exists, with the transport's partitions and record size, and
   * returns once the broker describes it with a leader for every partition: Kafka acknowledges a
   * creation before its brokers know the topic, and a send from another client in that moment would
   * find no topic.
   */
  void create(String topic, String operation) {
    if (known.contains(topic)) {
      return;
    }
    NewTopic newTopic =
        new NewTopic(topic, Optional.of(settings.partitions()), Optional.empty())
            .configs(
                Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    String.valueOf(settings.maxRecordBytes())));
    try {
      await(admin().createTopics(List.of(newTopic)).all(), operation);
    } catch (TransportException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    awaitLeaders(topic, operation);
    known.add(topic);
  }

  private void awaitLeaders(String topic, String operation) {
    long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
    while (true) {
      try {
        TopicDescription description =
            await(admin().describeTopics(List.of(topic)).allTopicNames(), operation).get(topic);
        if (description.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
      } catch (TransportException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new TransportUnavailableException(
            "cannot "
                + operation
                + ": Kafka at "
                + settings.bootstrapServers()
                + " created the topic "
                + topic
                + " but did not show it with a leader for every partition within "
                + settings.sendTimeout());
      }
      pause(operation);
    }
  }

  private static void pause(String operation) {
    try {
      Thread.sleep(RETRY_PAUSE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while trying to " + operation, e);
    }
  }

  /** Forgets that {@code topic} exists, so that the next send or publish looks it up again. */
  void forget(String topic) {
    known.remove(topic);
  }

  /** Fails unless {@code topic} exists: a send to a queue nobody created is an error. */
  void requireExisting(String topic, String operation) {
    if (known.contains(topic)) {
      return;
    }
    try {
      await(admin().describeTopics(List.of(topic)).allTopicNames(), operation);
    } catch (TransportException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new TransportException(
            "cannot " + operation + ": the topic " + topic + " does not exist", e.getCause());
      }
      throw e;
    }
    known.add(topic);
  }

  /**
   * Makes {@code group} read {@code topic} from its end as of now, for partitions it has no offset
   * for. Committed for the group at once when it has no members; otherwise returned, for this
   * process's consumer to start there.
   *
   * @return the start offsets the group could not be given, by partition
   */
  Map<TopicPartition, Long> startAtEnd(String group, String topic, String operation) {
    long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
    while (true) {
      try {
        return tryStartAtEnd(group, topic, operation);
      } catch (TransportException e) {
        // a topic just created is not yet known to every broker
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
      }
      pause(operation);
    }
  }

  private Map<TopicPartition, Long> tryStartAtEnd(String group, String topic, String operation) {
    TopicDescription description =
        await(admin().describeTopics(List.of(topic)).allTopicNames(), operation).get(topic);
    Map<TopicPartition, OffsetAndMetadata> committed =
        await(admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), operation);
    Map<TopicPartition, OffsetSpec> missing = new HashMap<>();
    description
        .partitions()
        .forEach(p -> {
          TopicPartition partition = new TopicPartition(topic, p.partition());
          if (committed.get(partition) == null) {
            missing.put(partition, OffsetSpec.latest());
          }
        });
    if (missing.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        await(admin().listOffsets(missing).all(), operation);
    Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>();
    Map<TopicPartition, Long> startOffsets = new HashMap<>();
    ends.forEach((partition, end) -> {
      starts.put(partition, new OffsetAndMetadata(end.offset()));
      startOffsets.put(partition, end.offset());
    });
    try {
      await(admin().alterConsumerGroupOffsets(group, starts).all(), operation);
      return Map.of();
    } catch (TransportException e) {
      if (e.getCause() instanceof RetriableException) {
        throw e;
      }
      return startOffsets; // the group has members: this process's consumer starts there
    }
  }

  /** The admin client, for the queue browser and tests of this package. */
  Admin admin() {
    Admin current = admin;
    if (current == null) {
      synchronized (this) {
        current = admin;
        if (current == null) {
          current = clients.admin();
          admin = current;
        }
      }
    }
    return current;
  }

  <T> T await(KafkaFuture<T> future, String operation) {
    try {
      return future.get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while trying to " + operation, e);
    } catch (ExecutionException e) {
      throw new TransportException(
          "cannot " + operation + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new TransportUnavailableException(
          "cannot "
              + operation
              + ": Kafka at "
              + settings.bootstrapServers()
              + " did not answer within "
              + settings.sendTimeout(),
          e);
    }
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(5));
    }
  }
}
