package dev.pump.kafka.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The topics each queue of this process is subscribed to, and where a subscription starts. A
 * published record names every topic it went to, most specific first; a queue subscribed to several
 * of them takes it from the first and passes over the other copies, so it receives each message
 * once. Thread-safe.
 */
final class Subscriptions {
  private final TopicNames names;
  private final Map<String, Set<String>> topicsByQueue = new ConcurrentHashMap<>();
  private final Map<String, Map<TopicPartition, Long>> startsByQueue = new ConcurrentHashMap<>();

  Subscriptions(TopicNames names) {
    this.names = names;
  }

  /** Subscribes {@code queue} to {@code topic}; whether it was not already. */
  boolean add(String topic, String queue) {
    return topicsByQueue.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).add(topic);
  }

  /** Unsubscribes {@code queue} from {@code topic}; whether it was subscribed. */
  boolean remove(String topic, String queue) {
    Set<String> topics = topicsByQueue.get(queue);
    return topics != null && topics.remove(topic);
  }

  /**
   * Where {@code queue}'s group starts reading partitions it has no committed offset for, when the
   * group could not be given them at subscription (it had members then).
   */
  void starts(String queue, Map<TopicPartition, Long> offsets) {
    startsByQueue.computeIfAbsent(queue, q -> new ConcurrentHashMap<>()).putAll(offsets);
  }

  /** Where {@code queue}'s group starts {@code partition} without a committed offset, or null. */
  Long startOffset(String queue, TopicPartition partition) {
    Map<TopicPartition, Long> starts = startsByQueue.get(queue);
    return starts == null ? null : starts.get(partition);
  }

  /** The Kafka topics {@code queue}'s consumer reads: its own, then its subscriptions'. */
  List<String> kafkaTopics(String queue) {
    List<String> topics = new ArrayList<>();
    topics.add(names.topic("queue", queue));
    for (String topic : topicsByQueue.getOrDefault(queue, Set.of())) {
      topics.add(names.topic("topic", topic));
    }
    return topics;
  }

  /**
   * Whether {@code queue} takes a record read from the Pump topic {@code from}: a record sent to
   * the queue, or published there and not also to a topic the queue is subscribed to that the
   * publisher named before.
   *
   * @param publishedTopics the record's {@code pump.topics}, or null for a record sent to a queue
   */
  boolean takes(String queue, String from, String publishedTopics) {
    if (publishedTopics == null || from == null) {
      return true;
    }
    Set<String> subscribed = topicsByQueue.getOrDefault(queue, Set.of());
    for (String topic : publishedTopics.split(";")) {
      if (topic.equals(from)) {
        return true;
      }
      if (subscribed.contains(topic)) {
        return false; // its copy in that topic is the one this queue takes
      }
    }
    return true;
  }
}
