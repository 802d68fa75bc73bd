package dev.pump.rabbitmq.internal;

import dev.pump.core.internal.shared.MessageSizes;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import dev.pump.rabbitmq.RabbitMqTransport;
import dev.pump.rabbitmq.RabbitMqTransport.PublishStatistics;
import dev.pump.rabbitmq.RabbitMqTransport.ReceiveStatistics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The RabbitMQ transport: wires the connections, the publishing channels, the topology and one
 * {@link QueueConsumer} per received queue. See {@link RabbitMqTransport} for the behaviour.
 * Thread-safe.
 */
public final class DefaultRabbitMqTransport implements RabbitMqTransport {
  private final RabbitMqSettings settings;
  private final Connections connections;
  private final PublishChannels publishChannels;
  private final Topology topology;
  private final RabbitMqQueueBrowser browser;
  private final ConcurrentHashMap<String, QueueConsumer> consumers = new ConcurrentHashMap<>();
  private final SettleCounters settleCounters = new SettleCounters();
  // consumers start with broker round trips: outside the map's own locking
  private final ReentrantLock consumerStart = new ReentrantLock();
  private volatile boolean closed;

  /** Creates the transport; it connects on first use. Called by {@code RabbitMqTransport}. */
  public DefaultRabbitMqTransport(RabbitMqSettings settings) {
    this.settings = settings;
    this.connections = new Connections(settings);
    this.publishChannels = new PublishChannels(connections, settings);
    this.topology = new Topology(settings, publishChannels);
    this.browser = new RabbitMqQueueBrowser(connections, settings);
  }

  /** Browses with {@code basic.get} and requeues what it keeps: {@link RabbitMqQueueBrowser}. */
  @Override
  public Optional<QueueBrowser> browser() {
    return Optional.of(browser);
  }

  @Override
  public String messagingSystem() {
    return "rabbitmq";
  }

  @Override
  public TransportCapabilities capabilities() {
    // no delayed delivery: RabbitMQ has none without plugins (the outbox's due time covers
    // delayed sends when the outbox is present); one consumer receives a queue in publish order;
    // the broker counts a delivery for every prefetched message, received by the pump or not
    return new TransportCapabilities(false, true, true, settings.maxMessageBytes(), true);
  }

  @Override
  public void createQueue(String queue) {
    checkOpen("create queue " + queue);
    topology.declareQueue(Names.require("queue", queue));
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
    Names.require("queue", queue);
    Objects.requireNonNull(maxWait, "maxWait");
    QueueConsumer consumer = consumer(queue);
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
    Names.require("queue", queue);
    MessageSizes.check("queue " + queue, batch, settings.maxMessageBytes());
    if (batch.isEmpty()) {
      return;
    }
    // the default exchange routes by queue name; mandatory turns "no such queue" into a return
    publishChannels.publish("", queue, true, batch, operation);
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    String operation = "publish to topics " + topics;
    checkOpen(operation);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics must not be empty");
    }
    topics.forEach(topic -> Names.require("topic", topic));
    MessageSizes.check("topics " + topics, batch, settings.maxMessageBytes());
    if (batch.isEmpty()) {
      return;
    }
    try {
      topology.declareHierarchy(topics);
      // not mandatory: a topic nobody subscribes to drops its messages, as publish/subscribe should
      publishChannels.publish(topics.get(0), "", false, batch, operation);
    } catch (TransportException e) {
      topology.forget(topics); // an exchange may have been deleted under us: declare it again
      throw e;
    }
  }

  @Override
  public void subscribe(String topic, String queue) {
    checkOpen("subscribe " + queue + " to " + topic);
    topology.bind(Names.require("topic", topic), Names.require("queue", queue));
  }

  @Override
  public void unsubscribe(String topic, String queue) {
    checkOpen("unsubscribe " + queue + " from " + topic);
    topology.unbind(Names.require("topic", topic), Names.require("queue", queue));
  }

  @Override
  public PublishStatistics publishStatistics() {
    return publishChannels.statistics();
  }

  @Override
  public ReceiveStatistics receiveStatistics() {
    return settleCounters.snapshot();
  }

  /**
   * Stops every consumer (unacknowledged messages go back to their queues), closes the channels and
   * both connections. Idempotent; later calls of other methods fail.
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
    publishChannels.close();
    connections.close();
  }

  @Override
  public String toString() {
    return "RabbitMqTransport[" + settings.brokerAddress() + "]";
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
        consumer =
            QueueConsumer.start(
                connections.get(Connections.Role.CONSUME, "receive from " + queue),
                queue,
                settings.prefetch(),
                settleCounters);
        consumers.put(queue, consumer);
      }
      return consumer;
    } finally {
      consumerStart.unlock();
    }
  }

  private void checkOpen(String operation) {
    if (closed) {
      throw new TransportException("cannot " + operation + ": the RabbitMQ transport is closed");
    }
  }
}
