package dev.pump.jdbc;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.queue.NotificationListener;
import dev.pump.jdbc.internal.queue.QueueReceiver;
import dev.pump.jdbc.internal.queue.QueueSender;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Queues in PostgreSQL, in the {@code queue_message} table of a {@link JdbcStorage}'s schema.
 *
 * <p>A receive claims the next visible message with {@code FOR UPDATE SKIP LOCKED} in a transaction
 * that stays open while the message is handled: the handler's business writes, the inbox row and
 * the outbox rows go into that same transaction, and completing the message commits it all at once
 * (the claimed row is deleted in it). A failed attempt is undone to a savepoint; a message that is
 * abandoned, or whose process dies, is back in its queue untouched. Competing consumers on one
 * queue each get distinct messages.
 *
 * <p>A receive does not walk the queue from its head: it starts shortly before the last message
 * found, so a long transaction elsewhere in the database, which keeps the dead versions of every
 * message handled since from being vacuumed, does not make each receive slower than the last. Once
 * a second it does scan from the head, for messages that became visible behind that point (a lease
 * that ran out, a slow sender's commit): such a message waits at most about a second longer.
 *
 * <p>Each in-flight message holds a pooled connection: size the pool for the endpoints'
 * concurrency. Idle receivers wake on {@code LISTEN/NOTIFY} (a dedicated connection, reconnected
 * after a database restart) and poll every {@link Builder#pollInterval} as a backstop.
 *
 * <p>Thread-safe.
 */
public final class PostgresTransport implements Transport {
  /** How often idle receivers look for messages without a notification: 200 ms. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);

  /**
   * How long a message stays hidden once its delivery is counted, before the claim's row lock takes
   * over; also how soon a message held by a process that died is delivered again: 1 second.
   */
  public static final Duration DEFAULT_DELIVERY_LEASE = Duration.ofSeconds(1);

  /** The largest message body accepted: 64 MiB. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

  private final StorageRuntime runtime;
  private final long maxMessageBytes;
  private final QueueSender sender;
  private final QueueReceiver receiver;
  private final NotificationListener listener;

  private PostgresTransport(Builder builder, boolean listen) {
    this.runtime = builder.storage.runtime();
    this.maxMessageBytes = builder.maxMessageBytes;
    this.sender = new QueueSender(runtime, maxMessageBytes);
    this.receiver = new QueueReceiver(runtime, sender, builder.pollInterval, builder.deliveryLease);
    this.listener = listen ? runtime.listenForQueues() : null;
  }

  /**
   * A transport for operator work that never waits for messages (retrying failed messages): no
   * LISTEN connection of its own.
   */
  static PostgresTransport withoutListening(JdbcStorage storage) {
    Builder builder = builder().storage(storage);
    builder.check();
    return new PostgresTransport(builder, false);
  }

  /** Returns a builder; {@link Builder#storage} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code pump_postgresql}: the conventions list no value for a queue in a PostgreSQL table. */
  @Override
  public String messagingSystem() {
    return "pump_postgresql";
  }

  @Override
  public TransportCapabilities capabilities() {
    return new TransportCapabilities(true, false, true, maxMessageBytes);
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    return receiver.receive(queue, maxWait);
  }

  /**
   * Claims up to {@code max} visible messages in one transaction, with one statement to count their
   * deliveries and one to claim them; they commit together once the last is settled. A message
   * delivered before comes alone.
   */
  @Override
  public List<ReceivedMessage> receive(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    return receiver.receive(queue, max, maxWait, fillWait);
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    sender.send(queue, batch);
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    sender.publish(topics, batch);
  }

  /** Queues are rows, so there is nothing to create; the name is still checked, as everywhere. */
  @Override
  public void createQueue(String queue) {
    Names.require("queue", queue);
  }

  @Override
  public void subscribe(String topic, String queue) {
    Names.require("topic", topic);
    Names.require("queue", queue);
    runtime.jdbi().useHandle(handle -> runtime.subscriptions().subscribe(handle, topic, queue));
  }

  @Override
  public void unsubscribe(String topic, String queue) {
    Names.require("topic", topic);
    Names.require("queue", queue);
    runtime.jdbi().useHandle(handle -> runtime.subscriptions().unsubscribe(handle, topic, queue));
  }

  /**
   * Stops listening for notifications (waiting at most a second for the listener's thread).
   * Messages received and not completed go back to their queues; nothing here waits for them, since
   * their endpoints own them. Idempotent.
   */
  @Override
  public void stop(Duration grace) {
    if (listener != null) {
      listener.close();
    }
  }

  /** Stops; see {@link #stop(Duration)}. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  @Override
  public String toString() {
    return "PostgresTransport[schema " + runtime.schema() + "]";
  }

  /** Whether this transport sends through {@code storage}'s pool. */
  boolean sharesPoolWith(JdbcStorage storage) {
    return runtime == storage.runtime();
  }

  /** Settings of a {@link PostgresTransport}; {@link #build()} checks them all at once. */
  public static final class Builder {
    private JdbcStorage storage;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private Duration deliveryLease = DEFAULT_DELIVERY_LEASE;

    private Builder() {}

    /**
     * How soon a message held by a process that died is delivered again (its delivery was counted
     * when it was received, so a message that kills its process reaches {@code maxDeliveries} and
     * is parked). Default 1 second; 100 ms to 1 hour.
     */
    public Builder deliveryLease(Duration deliveryLease) {
      this.deliveryLease = deliveryLease;
      return this;
    }

    /** The storage whose schema holds the queues. Required. */
    public Builder storage(JdbcStorage storage) {
      this.storage = storage;
      return this;
    }

    /**
     * How often an idle receiver looks for messages when no notification came (the backstop for
     * lost notifications and for delayed messages becoming visible). Default 200 ms; between 10 ms
     * and 1 minute.
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    /** The largest body accepted, between 1 KiB and 1 GiB. Default 64 MiB. */
    public Builder maxMessageBytes(long maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * Builds the transport and starts listening for notifications.
     *
     * @throws PumpConfigurationException naming every invalid setting
     */
    public PostgresTransport build() {
      check();
      return new PostgresTransport(this, true);
    }

    private void check() {
      Problems problems = new Problems();
      problems.required("transport.storage", storage);
      problems.range(
          "transport.pollInterval", pollInterval, Duration.ofMillis(10), Duration.ofMinutes(1));
      problems.range(
          "transport.deliveryLease", deliveryLease, Duration.ofMillis(100), Duration.ofHours(1));
      problems.range("transport.maxMessageBytes", maxMessageBytes, 1024, 1024L * 1024 * 1024);
      problems.throwIfAny();
    }
  }
}
