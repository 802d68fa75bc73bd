package dev.pump.kafka.internal;

import dev.pump.core.internal.shared.MessageSizes;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import dev.pump.kafka.KafkaTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka transport: wires the admin client, the producer and one {@link QueueConsumer} per
 * received queue. See {@link KafkaTransport} for the behaviour. Thread-safe.
 */
public final class DefaultKafkaTransport implements KafkaTransport {
  private final KafkaSettings settings;
  private final ClientFactory clients;
  private final TopicAdmin admin;
  private final RecordSender sender;
  private final Subscriptions subscriptions;
  private final KafkaQueueBrowser browser;
  private final ConcurrentHashMap<String, QueueConsumer> consumers = new ConcurrentHashMap<>();
  // consumers start outside the map's own locking
  private final ReentrantLock consumerStart = new ReentrantLock();
  private volatile boolean closed;

  /** Creates the transport; it connects on first use. Called by {@code KafkaTransport}. */
  public DefaultKafkaTransport(KafkaSettings settings) {
    this.settings = settings;
    this.clients = new ClientFactory(settings);
    this.admin = new TopicAdmin(settings, clients);
    this.sender = new RecordSender(settings, clients);
    this.subscriptions = new Subscriptions(settings.topicNames());
    this.browser = new KafkaQueueBrowser(settings, admin, clients);
  }

  /**
   * Browses a queue that is browsed rather than received, such as an error queue: {@link
   * KafkaQueueBrowser}.
   */
  @Override
  public Optional<QueueBrowser> browser() {
    return Optional.of(browser);
  }

  @Override
  public String messagingSystem() {
    return "kafka";
  }

  @Override
  public TransportCapabilities capabilities() {
    // no delayed delivery: Kafka cannot hide a record until later; no queue order: records of
    // different keys spread over partitions; delivery counts after a crash or a rebalance know
    // only "delivered before", so the pump counts redeliveries in its storage
    return new TransportCapabilities(
        false, true, false, settings.maxMessageBytes(), true, sender.longestSend());
  }

  @Override
  public String topicOf(String name) {
    return settings.topicNames().topic("name", name);
  }

  @Override
  public void createQueue(String queue) {
    String operation = "create queue " + queue;
    checkOpen(operation);
    admin.create(settings.topicNames().topic("queue", queue), operation);
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    return take(queue, 1, maxWait, Duration.ZERO).stream().findFirst();
  }

  @Override
  public List<ReceivedMessage> receive(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    if (max < 1) {
      throw new IllegalArgumentException(
          "cannot receive from " + queue + ": max must be at least 1, was " + max);
    }
    Objects.requireNonNull(fillWait, "fillWait");
    return take(queue, max, maxWait, fillWait);
  }

  private List<ReceivedMessage> take(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    checkOpen("receive from " + queue);
    settings.topicNames().topic("queue", queue);
    Objects.requireNonNull(maxWait, "maxWait");
    QueueConsumer consumer;
    try {
      consumer = consumer(queue);
    } catch (KafkaException e) {
      if (Thread.interrupted() || interruptedIn(e)) {
        // the newer group protocol's consumer starts a thread, which an interrupt fails
        InterruptedException interrupted =
            new InterruptedException("interrupted while starting to receive from " + queue);
        interrupted.initCause(e);
        throw interrupted;
      }
      throw new TransportException("cannot receive from " + queue + ": " + e.getMessage(), e);
    }
    try {
      return consumer.take(max, maxWait, fillWait);
    } catch (TransportException e) {
      if (consumer.isDead()) {
        consumers.remove(queue, consumer); // the next receive starts a new one
      }
      throw e;
    }
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    String operation = "send to queue " + queue;
    checkOpen(operation);
    String topic = settings.topicNames().topic("queue", queue);
    check("queue " + queue, batch);
    if (batch.isEmpty()) {
      return;
    }
    admin.requireExisting(topic, operation);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batch.size());
    for (OutgoingMessage message : batch) {
      records.add(KafkaRecords.record(topic, message, null));
    }
    send(records, List.of(topic), operation);
  }

  // a topic whose send failed is looked up again next time: it may have been deleted
  private void send(
      List<ProducerRecord<byte[], byte[]>> records, List<String> topics, String operation) {
    try {
      sender.send(records, operation);
    } catch (TransportException e) {
      topics.forEach(admin::forget);
      throw e;
    }
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    String operation = "publish to topics " + topics;
    checkOpen(operation);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics must not be empty");
    }
    List<String> kafkaTopics = new ArrayList<>(topics.size());
    for (String topic : topics) {
      kafkaTopics.add(settings.topicNames().topic("topic", topic));
    }
    check("topics " + topics, batch);
    if (batch.isEmpty()) {
      return;
    }
    // the log of an event exists whether anyone subscribed yet or not
    kafkaTopics.forEach(topic -> admin.create(topic, operation));
    String named = String.join(";", topics);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batch.size() * topics.size());
    for (OutgoingMessage message : batch) {
      for (String topic : kafkaTopics) {
        records.add(KafkaRecords.record(topic, message, named));
      }
    }
    send(records, kafkaTopics, operation);
  }

  @Override
  public void subscribe(String topic, String queue) {
    String operation = "subscribe " + queue + " to " + topic;
    checkOpen(operation);
    String kafkaTopic = settings.topicNames().topic("topic", topic);
    String group = settings.topicNames().group(queue);
    admin.create(kafkaTopic, operation);
    if (subscriptions.add(topic, queue)) {
      Map<TopicPartition, Long> starts = admin.startAtEnd(group, kafkaTopic, operation);
      subscriptions.starts(queue, starts);
      QueueConsumer consumer = consumers.get(queue);
      if (consumer != null) {
        consumer.subscriptionsChanged();
      }
    }
  }

  @Override
  public void unsubscribe(String topic, String queue) {
    checkOpen("unsubscribe " + queue + " from " + topic);
    settings.topicNames().topic("topic", topic);
    settings.topicNames().topic("queue", queue);
    if (subscriptions.remove(topic, queue)) {
      QueueConsumer consumer = consumers.get(queue);
      if (consumer != null) {
        consumer.subscriptionsChanged();
      }
    }
  }

  /**
   * Closes the consumer of {@code queue} as a process that goes away would: what it settled is
   * committed, what it handed out and did not settle comes back, to the queue's next consumer. For
   * tests; the next receive starts a new consumer.
   */
  public void closeConsumer(String queue) {
    QueueConsumer consumer = consumers.remove(queue);
    if (consumer != null) {
      consumer.close();
    }
  }

  /** Records {@code queue}'s consumer holds now, waiting or handed out; 0 without one. */
  public int held(String queue) {
    QueueConsumer consumer = consumers.get(queue);
    return consumer == null ? 0 : consumer.held();
  }

  /**
   * Stops every consumer (settled records committed, unsettled ones back to their partitions' next
   * owner), then the producer and the admin client. Idempotent; later calls of other methods fail.
   */
  @Override
  public void close() {
    closed = true;
    consumerStart.lock();
    try {
      consumers.values().forEach(QueueConsumer::close);
      consumers.clear();
    } finally {
      consumerStart.unlock();
    }
    sender.close();
    admin.close();
  }

  @Override
  public String toString() {
    return "KafkaTransport[" + settings.bootstrapServers() + "]";
  }

  private void check(String destination, List<OutgoingMessage> batch) {
    MessageSizes.check(destination, batch, settings.maxMessageBytes());
    for (OutgoingMessage message : batch) {
      if (!message.delay().isZero()) {
        throw new TransportException(
            "message "
                + message.messageId()
                + " to "
                + destination
                + " has a delay of "
                + message.delay()
                + ", but Kafka has no delayed delivery: delayed sends need a storage, whose"
                + " outbox holds them until due");
      }
    }
  }

  // the consumer's constructor may swallow the interrupt and keep only its trace
  private static boolean interruptedIn(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof InterruptedException
          || cause instanceof org.apache.kafka.common.errors.InterruptException) {
        return true;
      }
    }
    return false;
  }

  private QueueConsumer consumer(String queue) {
    QueueConsumer consumer = consumers.get(queue);
    if (consumer != null) {
      return consumer;
    }
    consumerStart.lock();
    try {
      checkOpen("receive from " + queue);
      consumer = consumers.get(queue);
      if (consumer == null) {
        consumer = QueueConsumer.start(queue, settings, subscriptions, clients);
        consumers.put(queue, consumer);
      }
      return consumer;
    } finally {
      consumerStart.unlock();
    }
  }

  private void checkOpen(String operation) {
    if (closed) {
      throw new TransportException("cannot " + operation + ": the Kafka transport is closed");
    }
  }
}
