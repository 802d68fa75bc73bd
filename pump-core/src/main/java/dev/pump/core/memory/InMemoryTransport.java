package dev.pump.core.memory;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.MessageSizes;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A transport that keeps its queues in memory: for tests, examples and single-process services that
 * can afford to lose messages when the process dies. It is the reference implementation of the
 * transport contract.
 *
 * <p>It supports queues (ordered: one consumer receives in send order), topics with subscriptions,
 * delayed delivery, and redelivery of messages that were abandoned or whose lease expired without
 * being completed. All time is read from an injectable {@link Clock}, so a test can move time
 * instead of sleeping. Thread-safe.
 */
public final class InMemoryTransport implements Transport {
  /** How long a received message stays invisible unless settled: 5 minutes. */
  public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofMinutes(5);

  /** The largest body accepted: 64 MiB. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

  private final Clock clock;
  private final Duration leaseTimeout;
  private final long maxMessageBytes;
  private final ConcurrentHashMap<String, MemoryQueue> queues = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> subscribers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private InMemoryTransport(Builder builder) {
    this.clock = builder.clock;
    this.leaseTimeout = builder.leaseTimeout;
    this.maxMessageBytes = builder.maxMessageBytes;
  }

  /** Returns a transport with every setting at its default, on the system clock. */
  public static InMemoryTransport create() {
    return builder().build();
  }

  /** Returns a builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code pump_memory}. */
  @Override
  public String messagingSystem() {
    return "pump_memory";
  }

  @Override
  public TransportCapabilities capabilities() {
    return new TransportCapabilities(true, false, true, maxMessageBytes);
  }

  @Override
  public void createQueue(String queue) {
    queue(queue);
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    checkOpen("receive from " + queue);
    return Optional.ofNullable(queue(queue).take(this, maxWait));
  }

  /** Takes what is ready, up to {@code max}; a redelivered message comes alone. */
  @Override
  public List<ReceivedMessage> receive(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    checkOpen("receive from " + queue);
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    return List.<ReceivedMessage>copyOf(queue(queue).take(this, max, maxWait, fillWait));
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    checkOpen("send to " + queue);
    MessageSizes.check("queue " + queue, batch, maxMessageBytes);
    MemoryQueue target = queue(queue);
    batch.forEach(target::enqueue);
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    checkOpen("publish to " + topics);
    Set<String> targets = new LinkedHashSet<>();
    for (String topic : topics) {
      targets.addAll(subscribers.getOrDefault(Names.require("topic", topic), Set.of()));
    }
    for (String target : targets) {
      send(target, batch);
    }
  }

  @Override
  public void subscribe(String topic, String queue) {
    Names.require("topic", topic);
    Names.require("queue", queue);
    subscribers.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(queue);
  }

  @Override
  public void unsubscribe(String topic, String queue) {
    Set<String> queuesOfTopic = subscribers.get(topic);
    if (queuesOfTopic != null) {
      queuesOfTopic.remove(queue);
    }
  }

  /**
   * Reads a queue's ready messages in send order without taking them, under the queue's lock (a
   * receive of that queue waits meanwhile); messages in flight or delayed are not shown.
   */
  @Override
  public Optional<QueueBrowser> browser() {
    return Optional.of((queue, max, visitor) -> {
      checkOpen("browse " + queue);
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1, was " + max);
      }
      return queue(queue).browse(max, visitor);
    });
  }

  /**
   * Returns how many messages {@code queue} holds, by state. A test's window into the queue; the
   * counts are a consistent snapshot of that one queue.
   */
  public QueueStats queueStats(String queue) {
    return queue(queue).stats();
  }

  /** Closes every queue; waiting receivers fail, and every later call fails. Idempotent. */
  @Override
  public void close() {
    closed = true;
    queues.values().forEach(MemoryQueue::close);
  }

  void checkOpen(String operation) {
    if (closed) {
      throw new TransportException("in-memory transport is closed; cannot " + operation);
    }
  }

  private MemoryQueue queue(String name) {
    MemoryQueue queue = queues.get(name);
    if (queue != null) {
      return queue;
    }
    Names.require("queue", name);
    return queues.computeIfAbsent(name, n -> new MemoryQueue(n, clock, leaseTimeout));
  }

  /**
   * How many messages one queue holds, by state.
   *
   * @param ready visible now, waiting for a receiver
   * @param delayed sent with a delay (or abandoned with one) and not yet visible
   * @param inFlight received and neither settled nor expired
   */
  public record QueueStats(int ready, int delayed, int inFlight) {
    /** Every message the queue holds, in any state. */
    public int total() {
      return ready + delayed + inFlight;
    }
  }

  /** Builds an {@link InMemoryTransport}. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;
    private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;

    private Builder() {}

    /**
     * The clock that decides when delayed messages become visible and leases expire; default {@link
     * Clock#systemUTC()}. Tests pass a clock they can move.
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * How long a received message stays invisible unless completed or abandoned, after which it is
     * delivered again; default {@link #DEFAULT_LEASE_TIMEOUT}.
     */
    public Builder leaseTimeout(Duration leaseTimeout) {
      this.leaseTimeout = leaseTimeout;
      return this;
    }

    /** The largest body accepted; default {@link #DEFAULT_MAX_MESSAGE_BYTES}. */
    public Builder maxMessageBytes(long maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * Returns the transport.
     *
     * @throws PumpConfigurationException naming every invalid setting
     */
    public InMemoryTransport build() {
      Problems problems = new Problems();
      problems.required("inMemoryTransport.clock", clock);
      problems.positive("inMemoryTransport.leaseTimeout", leaseTimeout);
      problems.range("inMemoryTransport.maxMessageBytes", maxMessageBytes, 1, Integer.MAX_VALUE);
      problems.throwIfAny();
      return new InMemoryTransport(this);
    }
  }

  @Override
  public String toString() {
    return "InMemoryTransport[" + queues.size() + " queues, clock " + Objects.toString(clock) + "]";
  }
}
