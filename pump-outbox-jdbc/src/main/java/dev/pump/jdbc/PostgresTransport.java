package dev.pump.jdbc;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.jdbc.internal.queue.NotificationListener;
import dev.pump.jdbc.internal.queue.Notifier;
import dev.pump.jdbc.internal.queue.QueueRow;
import dev.pump.jdbc.internal.queue.QueueStore;
import dev.pump.jdbc.internal.queue.Wakeups;
import dev.pump.jdbc.internal.sql.Channels;
import dev.pump.jdbc.internal.sql.DedicatedConnections;
import dev.pump.jdbc.internal.sql.ScanStarts;
import dev.pump.jdbc.internal.sql.Transactions;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

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

  /** A send whose commit took longer than this after its insert is stamped again: 125 ms. */
  static final Duration LATE_COMMIT = ScanStarts.OVERLAP.dividedBy(2);

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(PostgresTransport.class);

  /** The largest message body accepted: 64 MiB. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

  private final JdbcStorage storage;
  private final Jdbi jdbi;
  private final QueueStore queues;
  private final Wakeups wakeups;
  private final ScanStarts scanStarts = new ScanStarts();
  private final Duration pollInterval;
  private final long maxMessageBytes;
  private final Duration deliveryLease;
  private final NotificationListener listener;
  private final Notifier notifier;
  private final String channel;

  private PostgresTransport(Builder builder) {
    this.storage = builder.storage;
    this.jdbi = storage.jdbi();
    this.queues = storage.queues();
    this.wakeups = storage.wakeups();
    this.pollInterval = builder.pollInterval;
    this.maxMessageBytes = builder.maxMessageBytes;
    this.deliveryLease = builder.deliveryLease;
    this.notifier = storage.notifier();
    this.channel = Channels.queue(storage.schema());
    this.listener =
        new NotificationListener(
            DedicatedConnections.of(storage.dataSource()),
            channel,
            wakeups::signalIfWaited,
            wakeups::signalAll);
  }

  /** Returns a builder; {@link Builder#storage} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public TransportCapabilities capabilities() {
    return new TransportCapabilities(true, false, true, maxMessageBytes);
  }

  @Override
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    Names.require("queue", queue);
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      long seen = wakeups.generation(queue);
      Optional<ReceivedMessage> claimed = claim(queue);
      if (claimed.isPresent()) {
        return claimed;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return Optional.empty();
      }
      Duration wait = Duration.ofNanos(Math.min(remaining, pollInterval.toNanos()));
      wakeups.await(queue, seen, wait);
    }
  }

  private Optional<ReceivedMessage> claim(String queue) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("receive from " + queue + " interrupted");
    }
    Handle handle;
    try {
      handle = jdbi.open();
    } catch (RuntimeException e) {
      throw new TransportUnavailableException(
          "cannot connect to PostgreSQL to receive from " + queue, e);
    }
    try {
      ScanStarts.Scan scan = scanStarts.next(queue);
      Optional<QueueStore.Counted> counted =
          queues.countDelivery(handle, queue, deliveryLease, scan.from());
      if (counted.isEmpty()) {
        scanStarts.foundNothing(queue, scan);
        handle.close();
        return Optional.empty();
      }
      OffsetDateTime visibleAt = counted.get().visibleAt();
      scanStarts.found(queue, scan, visibleAt, visibleAt);
      Transactions.begin(handle, storage.isolation());
      Optional<QueueRow> row = queues.claim(handle, queue, counted.get());
      if (row.isEmpty()) {
        handle.rollback(); // taken by another receiver after the lease: not ours
        handle.close();
        return Optional.empty();
      }
      return Optional.of(new ClaimedMessage(row.get(), new UnitOfWork(handle, true, jdbi), this));
    } catch (RuntimeException e) {
      closeQuietly(handle);
      throw new TransportException("receive from " + queue + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void send(String queue, List<OutgoingMessage> batch) {
    Names.require("queue", queue);
    checkSizes(queue, batch);
    String operation = "send of " + batch.size() + " messages to " + queue;
    try (Handle handle = connect(operation)) {
      long began = System.nanoTime();
      QueueStore.Sent sent = handle.inTransaction(h -> queues.send(h, queue, batch));
      restampIfLate(began, sent);
    } catch (TransportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TransportException(operation + " failed: " + e.getMessage(), e);
    }
    queued(queue);
  }

  @Override
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    topics.forEach(topic -> Names.require("topic", topic));
    checkSizes(topics.getFirst(), batch);
    List<String> subscribers;
    String operation = "publish of " + batch.size() + " messages to " + topics;
    try (Handle handle = connect(operation)) {
      long began = System.nanoTime();
      QueueStore.Sent sent = handle.inTransaction(h -> queues.publish(h, topics, batch));
      restampIfLate(began, sent);
      subscribers = sent.distinctQueues();
    } catch (TransportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TransportException(operation + " failed: " + e.getMessage(), e);
    }
    subscribers.forEach(this::queued);
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
    jdbi.useHandle(handle -> queues.subscribe(handle, topic, queue));
  }

  @Override
  public void unsubscribe(String topic, String queue) {
    Names.require("topic", topic);
    Names.require("queue", queue);
    jdbi.useHandle(handle -> queues.unsubscribe(handle, topic, queue));
  }

  /** Stops listening for notifications. Messages received and not completed go back. */
  @Override
  public void close() {
    listener.close();
  }

  @Override
  public String toString() {
    return "PostgresTransport[schema " + storage.schema() + "]";
  }

  /**
   * After a send committed: if the commit came more than half the receives' look-back after the
   * insert stamped its rows (a slow flush, a stalled connection), receives may already look beyond
   * them, and a later send of the same sender could be received first; stamped again now, before
   * the sender goes on, they are back in order. Committed already, so a failure here is logged, not
   * thrown: the rows are there, and a scan from the head (every second) finds them.
   */
  void restampIfLate(long beganNanos, QueueStore.Sent sent) {
    if (System.nanoTime() - beganNanos <= LATE_COMMIT.toNanos()) {
      return;
    }
    try {
      jdbi.useHandle(h -> queues.restamp(h, sent));
    } catch (RuntimeException e) {
      log.warn("could not stamp again {} rows whose send committed late", sent.ids().length, e);
    }
  }

  /** Messages were committed to {@code queue}: wake its receivers here now, elsewhere soon. */
  void queued(String queue) {
    wakeups.signal(queue);
    notifier.request(channel, queue);
  }

  QueueStore queues() {
    return queues;
  }

  Jdbi jdbi() {
    return jdbi;
  }

  Wakeups wakeups() {
    return wakeups;
  }

  void checkSizes(String destination, List<OutgoingMessage> batch) {
    for (OutgoingMessage message : batch) {
      if (message.body().length > maxMessageBytes) {
        throw new TransportException(
            "message "
                + message.messageId()
                + " to "
                + destination
                + " is "
                + message.body().length
                + " bytes, more than the transport's maximum of "
                + maxMessageBytes);
      }
    }
  }

  /**
   * A pooled connection for {@code operation}. Not getting one (the pool exhausted or the database
   * unreachable) is the transport's unavailability, not the messages' fault; a failure once
   * connected may be theirs (a statement the server refuses, a body that breaks the connection), so
   * it is an ordinary {@link TransportException}.
   */
  private Handle connect(String operation) {
    try {
      return jdbi.open();
    } catch (RuntimeException e) {
      throw new TransportUnavailableException(
          operation + " failed: cannot connect to PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Handle handle) {
    try {
      handle.close();
    } catch (RuntimeException ignored) {
      // the connection is broken already; the pool discards it
    }
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
      Problems problems = new Problems();
      problems.required("transport.storage", storage);
      problems.range(
          "transport.pollInterval", pollInterval, Duration.ofMillis(10), Duration.ofMinutes(1));
      problems.range(
          "transport.deliveryLease", deliveryLease, Duration.ofMillis(100), Duration.ofHours(1));
      problems.range("transport.maxMessageBytes", maxMessageBytes, 1024, 1024L * 1024 * 1024);
      problems.throwIfAny();
      return new PostgresTransport(this);
    }
  }
}
