package dev.pump.jdbc.internal;

import dev.pump.core.Attributes;
import dev.pump.jdbc.internal.inbox.InboxStore;
import dev.pump.jdbc.internal.inbox.RedeliveryStore;
import dev.pump.jdbc.internal.operations.DiscardStore;
import dev.pump.jdbc.internal.outbox.OutboxStore;
import dev.pump.jdbc.internal.queue.NotificationListener;
import dev.pump.jdbc.internal.queue.Notifier;
import dev.pump.jdbc.internal.queue.QueueStore;
import dev.pump.jdbc.internal.queue.Signal;
import dev.pump.jdbc.internal.queue.SubscriptionStore;
import dev.pump.jdbc.internal.queue.Wakeups;
import dev.pump.jdbc.internal.sql.BorrowedConnections;
import dev.pump.jdbc.internal.sql.Channels;
import dev.pump.jdbc.internal.sql.DedicatedConnections;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import dev.pump.jdbc.spi.TransactionHost;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Everything one {@code JdbcStorage} runs on, built once by it and handed to its PostgreSQL
 * transport, dispatcher, retention cleaner and operations: the pool and Jdbi, the statements of
 * each table, the wake-ups after commit and the notifier to other processes, and the units of work
 * that are the storage's message transactions. Thread-safe.
 */
public final class StorageRuntime implements AutoCloseable {
  private final DataSource dataSource;
  private final Jdbi jdbi;
  private final SchemaName schema;
  private final TransactionIsolationLevel isolation;
  private final Duration inboxRetention;
  private final Duration outboxRetention;
  private final InboxStore inbox;
  private final RedeliveryStore redeliveries;
  private final OutboxStore outbox;
  private final QueueStore queues;
  private final SubscriptionStore subscriptions;
  private final DiscardStore discards;
  private final Wakeups queueWakeups = new Wakeups();
  private final Signal outboxCommits = new Signal();
  private final Notifier notifier;
  private final String queueChannel;
  private final String outboxChannel;
  private final LongAdder duplicates = new LongAdder();
  private final TransactionHost host; // null: the storage begins its own transactions
  private final BorrowedConnections borrowed = new BorrowedConnections();
  // A key of this runtime's own: a claim made by another storage's transport is not found under
  // it, so this storage's links never join a transaction on another database.
  private final Attributes.Key<UnitOfWork> claims =
      Attributes.Key.of("pump.jdbc.claimed-message", UnitOfWork.class);

  /**
   * Creates the runtime over {@code dataSource}, whose schema is migrated already.
   *
   * @param isolation of every message transaction and transactional session
   * @param host begins message transactions and transactional sessions; null for the storage's own
   */
  public StorageRuntime(
      DataSource dataSource,
      SchemaName schema,
      TransactionIsolationLevel isolation,
      Duration inboxRetention,
      Duration outboxRetention,
      TransactionHost host) {
    this.dataSource = dataSource;
    this.host = host;
    this.jdbi = Jdbi.create(dataSource);
    this.schema = schema;
    this.isolation = isolation;
    this.inboxRetention = inboxRetention;
    this.outboxRetention = outboxRetention;
    this.inbox = new InboxStore(schema);
    this.redeliveries = new RedeliveryStore(jdbi, schema);
    this.outbox = new OutboxStore(schema);
    this.queues = new QueueStore(schema);
    this.subscriptions = new SubscriptionStore(schema);
    this.discards = new DiscardStore(schema);
    this.notifier =
        new Notifier(
            DedicatedConnections.of(dataSource), DedicatedConnections.outsideThePool(dataSource));
    this.queueChannel = Channels.queue(schema);
    this.outboxChannel = Channels.outbox(schema);
  }

  /**
   * Begins a message transaction or a transactional session: through the transaction host if the
   * storage has one (on the calling thread, which must do all of its work), else on a connection of
   * its own; either way ended by the unit's one owner.
   */
  public UnitOfWork beginUnitOfWork() {
    return host != null
        ? UnitOfWork.hosted(host, isolation, borrowed)
        : UnitOfWork.ownTransaction(jdbi, isolation);
  }

  /**
   * Opens a connection and begins a transaction in it, never through the host: for the storage's
   * own bookkeeping, which is no part of an application's transaction.
   */
  public UnitOfWork beginOwnUnitOfWork() {
    return UnitOfWork.ownTransaction(jdbi, isolation);
  }

  /** Whether a transaction host begins the message transactions. */
  public boolean hosted() {
    return host != null;
  }

  /** Handles over connections whose transactions others own. */
  public BorrowedConnections borrowed() {
    return borrowed;
  }

  /** Where a claimed message's unit of work sits in its context, for this storage's links only. */
  public Attributes.Key<UnitOfWork> claims() {
    return claims;
  }

  /** Outbox rows were committed: wake this process's dispatchers now, other processes soon. */
  public void outboxCommitted() {
    outboxCommits.signal();
    notifier.request(outboxChannel, "");
  }

  /** Messages were committed to {@code queue}: wake its receivers here now, elsewhere soon. */
  public void queued(String queue) {
    queueWakeups.signal(queue);
    notifier.request(queueChannel, queue);
  }

  /** The signal of committed outbox rows, which dispatchers in this process wait on. */
  public Signal outboxCommits() {
    return outboxCommits;
  }

  /** The signals of new messages per queue, which receivers in this process wait on. */
  public Wakeups queueWakeups() {
    return queueWakeups;
  }

  /** Starts listening for other processes' queue sends (a dedicated connection). */
  public NotificationListener listenForQueues() {
    return new NotificationListener(
        DedicatedConnections.of(dataSource),
        queueChannel,
        queueWakeups::signalIfWaited,
        queueWakeups::signalAll);
  }

  /** Starts listening for other processes' outbox commits (a dedicated connection). */
  public NotificationListener listenForOutbox() {
    return new NotificationListener(
        DedicatedConnections.of(dataSource),
        outboxChannel,
        payload -> outboxCommits.signal(),
        outboxCommits::signal);
  }

  /** The pool. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Jdbi over the pool. */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** The schema of Pump's tables. */
  public SchemaName schema() {
    return schema;
  }

  /** The isolation of message transactions. */
  public TransactionIsolationLevel isolation() {
    return isolation;
  }

  /** How long inbox rows are kept. */
  public Duration inboxRetention() {
    return inboxRetention;
  }

  /** How long dispatched outbox rows are kept. */
  public Duration outboxRetention() {
    return outboxRetention;
  }

  /** The {@code inbox} table. */
  public InboxStore inbox() {
    return inbox;
  }

  /** The {@code redelivery} table. */
  public RedeliveryStore redeliveries() {
    return redeliveries;
  }

  /** The {@code outbox} table. */
  public OutboxStore outbox() {
    return outbox;
  }

  /** The {@code queue_message} table. */
  public QueueStore queues() {
    return queues;
  }

  /** The {@code subscription} table. */
  public SubscriptionStore subscriptions() {
    return subscriptions;
  }

  /** The {@code discarded_message} table. */
  public DiscardStore discards() {
    return discards;
  }

  /** Duplicates the inbox skipped since the runtime was built. */
  public LongAdder duplicates() {
    return duplicates;
  }

  /** Stops the notifier and closes its connection; the pool is the storage's to close. */
  @Override
  public void close() {
    notifier.close();
  }
}
