package dev.pump.jdbc;

// This file is long because it is the storage's one entry point and its builder: every setting
// with its default and range is documented here, where users read it.

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.MessageSender;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.PumpException;
import dev.pump.core.internal.shared.BufferedSender;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.PipelineBuilder;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.outbox.OutboxRow;
import dev.pump.jdbc.internal.outbox.OutboxRows;
import dev.pump.jdbc.internal.sql.PoolBudget;
import dev.pump.jdbc.internal.sql.SqlFailures;
import dev.pump.jdbc.internal.uow.InboxLink;
import dev.pump.jdbc.internal.uow.OutboxLink;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import dev.pump.jdbc.internal.uow.UnitOfWorkLink;
import dev.pump.jdbc.spi.TransactionHost;
import dev.pump.migrations.PumpMigrations;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Pump's storage on PostgreSQL: every message an endpoint handles runs in one transaction that
 * records its id in the inbox (duplicates are skipped) and writes everything the handlers sent into
 * the outbox; the {@link OutboxDispatcher} relays the outbox after commit.
 *
 * <pre>{@code
 * JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build();
 * Endpoint billing = Endpoint.builder().name("billing").transport(transport)
 *     .storage(storage)
 *     .handler(OrderPlaced.class, (event, context) -> {
 *       JdbcContext.handle(context).execute("INSERT INTO charge (order_id) VALUES (?)", event.id());
 *       context.reply(new ChargeCompleted(event.id()));
 *     })
 *     .build();
 * }</pre>
 *
 * <p>The same guarantees hold outside handlers, for an application's own transaction: see {@link
 * #inTransaction}. One storage may serve several endpoints, a {@link PostgresTransport} and an
 * {@link OutboxDispatcher}. Thread-safe.
 */
public final class JdbcStorage implements Storage {
  /** The isolation level of message transactions when none is set: READ COMMITTED. */
  public static final TransactionIsolationLevel DEFAULT_ISOLATION =
      TransactionIsolationLevel.READ_COMMITTED;

  /** How long inbox rows and dispatched outbox rows are kept when not set: 7 days. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  private final HikariDataSource ownedPool;
  private final StorageRuntime runtime;
  private final PoolBudget poolBudget;
  private final PumpOperations operations;

  private JdbcStorage(Builder builder, DataSource dataSource, HikariDataSource ownedPool) {
    this.ownedPool = ownedPool;
    this.runtime =
        new StorageRuntime(
            dataSource,
            SchemaName.of(builder.schema),
            builder.isolation,
            builder.inboxRetention,
            builder.outboxRetention,
            builder.transactionHost);
    this.poolBudget = new PoolBudget(dataSource);
    this.operations = new PumpOperations(this);
  }

  /** Returns a builder; see each setting for its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Jdbi instance over the storage's data source, for the application's own work. */
  public Jdbi jdbi() {
    return runtime.jdbi();
  }

  /** The data source the storage uses. */
  public DataSource dataSource() {
    return runtime.dataSource();
  }

  /** The schema holding Pump's tables. */
  public SchemaName schema() {
    return runtime.schema();
  }

  /** How long inbox rows are kept, to recognise late duplicates. */
  public Duration inboxRetention() {
    return runtime.inboxRetention();
  }

  /** How long dispatched outbox rows are kept for the audit trail. */
  public Duration outboxRetention() {
    return runtime.outboxRetention();
  }

  /**
   * What an operator looks at and acts on: the outbox backlog, parked rows, queues and error
   * queues, duplicates, the retention purge.
   */
  public PumpOperations operations() {
    return operations;
  }

  /**
   * The transactional session: runs {@code work} in one transaction in which the application writes
   * its own data on the handle and sends on the sender; the messages are written to the outbox in
   * the same transaction, so they exist if and only if it commits. Messages get {@code endpoint}'s
   * routing, serializer and headers; the endpoint need not be started.
   *
   * @return what {@code work} returned
   * @throws PumpException wrapping a checked exception thrown by {@code work}; unchecked ones pass
   *     through. Either way the transaction is rolled back and nothing is sent.
   */
  public <R> R inTransaction(Endpoint endpoint, TransactionalWork<R> work) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(work, "work");
    try (UnitOfWork unit = runtime.beginUnitOfWork()) {
      try {
        BufferedSender sender = Endpoints.bufferedSender(endpoint);
        R result = work.run(unit.handle(), sender);
        List<OutboxRow> rows = OutboxRows.of(sender.outgoing().drain());
        runtime.outbox().insert(unit.handle(), endpoint.name(), null, rows);
        unit.afterCommit(runtime::outboxCommitted);
        unit.commit();
        return result;
      } catch (RuntimeException | Error e) {
        unit.rollbackQuietly(e);
        throw e;
      } catch (Exception e) {
        unit.rollbackQuietly(e);
        throw new PumpException("transactional session of " + endpoint.name() + " failed", e);
      }
    }
  }

  /**
   * A session of sends for a transaction that someone else owns and commits, such as a framework's
   * transaction manager: its messages are written on that transaction's connection by {@link
   * OutboxSession#writeTo}. Messages get {@code endpoint}'s routing, serializer and headers; the
   * endpoint need not be started.
   */
  public OutboxSession session(Endpoint endpoint) {
    return new OutboxSession(runtime, endpoint);
  }

  /**
   * Work done in one transaction with an outbox: the application's writes on {@code handle} and its
   * sends on {@code sender} commit together.
   *
   * @param <R> what the work returns
   */
  @FunctionalInterface
  public interface TransactionalWork<R> {
    /** Does the work; throw to roll everything back. */
    R run(Handle handle, MessageSender sender) throws Exception;
  }

  /**
   * Adds {@code unit-of-work}, {@code inbox} and {@code outbox} (in that order) before {@code
   * invoke-handlers}.
   */
  @Override
  public void install(PipelineBuilder pipeline) {
    pipeline
        .addBefore(Middleware.INVOKE_HANDLERS, UnitOfWorkLink.NAME, new UnitOfWorkLink(runtime))
        .addBefore(Middleware.INVOKE_HANDLERS, InboxLink.NAME, new InboxLink(runtime))
        .addBefore(Middleware.INVOKE_HANDLERS, OutboxLink.NAME, new OutboxLink(runtime));
  }

  /** Refuses an endpoint whose delayed retries outlast the inbox retention. */
  @Override
  public void checkRetryHorizon(String endpoint, Duration retryHorizon) {
    Duration inboxRetention = runtime.inboxRetention();
    if (retryHorizon.compareTo(inboxRetention) > 0) {
      throw new PumpConfigurationException(
          "endpoint "
              + endpoint
              + " retries a message for up to "
              + retryHorizon
              + ", longer than storage.inboxRetention "
              + inboxRetention
              + ": a late copy would not be recognised as a duplicate;"
              + " shorten the delayed retries or keep the inbox longer");
    }
  }

  /**
   * Refuses an endpoint that alone could hold more connections than the pool has (each message in
   * flight holds one); warns when the endpoints built on this storage together could. Pools other
   * than HikariCP are not checked.
   */
  @Override
  public void checkConcurrency(String endpoint, int concurrency) {
    poolBudget.check(endpoint, concurrency, 1);
  }

  /**
   * Checks as {@link #checkConcurrency(String, int)}; with a transaction host, a message of this
   * storage's {@link PostgresTransport} holds two connections (its claim, and the host's
   * transaction for its handlers), and is counted so.
   */
  @Override
  public void checkConcurrency(String endpoint, int concurrency, Transport transport) {
    poolBudget.check(endpoint, concurrency, connectionsPerMessage(transport));
  }

  /**
   * The most messages one endpoint receiving from {@code transport} can have in flight on this
   * storage's pool: its maximum size divided by the connections each message holds (two for this
   * storage's {@link PostgresTransport} under a transaction host, else one). Empty when the pool's
   * size cannot be read (a pool other than HikariCP). What {@link #checkConcurrency} holds an
   * endpoint to; a framework choosing a default concurrency leaves room below it for others.
   */
  public OptionalInt largestConcurrency(Transport transport) {
    OptionalInt size = poolBudget.size();
    return size.isEmpty()
        ? size
        : OptionalInt.of(size.getAsInt() / connectionsPerMessage(transport));
  }

  private int connectionsPerMessage(Transport transport) {
    boolean claimApart =
        runtime.hosted()
            && transport instanceof PostgresTransport postgres
            && postgres.sharesPoolWith(this);
    return claimApart ? 2 : 1;
  }

  /** True: delayed messages wait in the outbox until due. */
  @Override
  public boolean holdsDelayedMessages() {
    return true;
  }

  @Override
  public void sendLater(String endpoint, String queue, OutgoingMessage message) {
    List<OutboxRow> rows = List.of(OutboxRows.of(Destination.queue(queue), message));
    try (UnitOfWork unit = runtime.beginOwnUnitOfWork()) {
      try {
        runtime.outbox().insert(unit.handle(), endpoint, null, rows);
        unit.commit();
      } catch (RuntimeException e) {
        unit.rollbackQuietly(e);
        throw e;
      }
    } catch (RuntimeException e) {
      throw SqlFailures.classify("message " + message.messageId(), e);
    }
    runtime.outboxCommitted();
  }

  /** Counts the redelivery in the {@code redelivery} table, committed before it returns. */
  @Override
  public int countRedelivery(String endpoint, String messageId) {
    try {
      return runtime.redeliveries().count(endpoint, messageId);
    } catch (RuntimeException e) {
      throw new PumpException(
          "cannot count a redelivery of message " + messageId + " at endpoint " + endpoint, e);
    }
  }

  @Override
  public void forgetRedeliveries(String endpoint, String messageId) {
    try {
      runtime.redeliveries().forget(endpoint, messageId);
    } catch (RuntimeException e) {
      throw new PumpException(
          "cannot forget the redeliveries of message " + messageId + " at endpoint " + endpoint, e);
    }
  }

  /**
   * Stops the notifier and closes the connection pool if the storage built it from a JDBC URL; its
   * endpoints, transport and dispatcher must have stopped first. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  @Override
  public String toString() {
    return "JdbcStorage[schema " + runtime.schema() + "]";
  }

  /** The runtime the storage's transport, dispatcher, cleaner and operations work on. */
  StorageRuntime runtime() {
    return runtime;
  }

  /** Settings of a {@link JdbcStorage}; {@link #build()} checks them all at once. */
  public static final class Builder {
    private DataSource dataSource;
    private String jdbcUrl;
    private String user;
    private String password;
    private String schema = SchemaName.DEFAULT_SCHEMA;
    private TransactionIsolationLevel isolation = DEFAULT_ISOLATION;
    private boolean migrate = true;
    private Duration inboxRetention = DEFAULT_RETENTION;
    private Duration outboxRetention = DEFAULT_RETENTION;
    private TransactionHost transactionHost;

    private Builder() {}

    /**
     * The pool to use, shared with the application's own work so business writes and Pump's rows
     * can share a transaction. Size it for the endpoints' concurrency plus one connection per
     * receiving queue and per dispatcher. Either this or {@link #jdbcUrl} is required.
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /**
     * Builds a HikariCP pool of {@value PumpDataSources#DEFAULT_MAXIMUM_POOL_SIZE} connections for
     * this URL, closed by {@link JdbcStorage#close()}.
     */
    public Builder jdbcUrl(String jdbcUrl, String user, String password) {
      this.jdbcUrl = jdbcUrl;
      this.user = user;
      this.password = password;
      return this;
    }

    /** The schema holding Pump's tables. Default {@value SchemaName#DEFAULT_SCHEMA}. */
    public Builder schema(String schema) {
      this.schema = schema;
      return this;
    }

    /** Isolation of message transactions and sessions. Default READ COMMITTED. */
    public Builder isolation(TransactionIsolationLevel isolation) {
      this.isolation = isolation;
      return this;
    }

    /**
     * Whether {@link #build()} applies Pump's migrations (idempotent, safe from several instances
     * at once). Default true; turn it off where the schema is deployed by other means.
     */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * How long inbox rows are kept. A duplicate arriving later than this is not recognised, so it
     * must outlast every retry horizon (the dispatcher checks its own at build). Default 7 days; at
     * least 1 minute.
     */
    public Builder inboxRetention(Duration inboxRetention) {
      this.inboxRetention = inboxRetention;
      return this;
    }

    /** How long dispatched outbox rows are kept for the audit trail. Default 7 days; at least 0. */
    public Builder outboxRetention(Duration outboxRetention) {
      this.outboxRetention = outboxRetention;
      return this;
    }

    /**
     * Who begins and ends the message transactions and the {@linkplain JdbcStorage#inTransaction
     * transactional sessions}: a transaction manager the application runs already (Spring's,
     * through Pump's Spring Boot starter), so that its own data access shares them. Its
     * transactions must run on connections of this storage's data source. With a host, a message
     * claimed from a {@link PostgresTransport} queue is handled in the host's transaction and its
     * claim settles in a second one after it; a crash between the two brings the message back, and
     * the inbox skips it. Default none: the storage begins its own transactions on the pool.
     */
    public Builder transactionHost(TransactionHost transactionHost) {
      this.transactionHost = transactionHost;
      return this;
    }

    /**
     * Builds the storage, migrating the schema unless told not to.
     *
     * @throws PumpConfigurationException naming every invalid setting, before any connection
     */
    public JdbcStorage build() {
      Problems problems = new Problems();
      if ((dataSource == null) == (jdbcUrl == null)) {
        problems.add("storage needs exactly one of dataSource or jdbcUrl");
      }
      try {
        SchemaName.of(schema);
      } catch (PumpConfigurationException e) {
        problems.add("storage." + e.getMessage());
      }
      if (isolation == null || isolation == TransactionIsolationLevel.UNKNOWN) {
        problems.add("storage.isolation must be a concrete isolation level, was " + isolation);
      }
      if (inboxRetention == null || inboxRetention.compareTo(Duration.ofMinutes(1)) < 0) {
        problems.add("storage.inboxRetention must be at least 1 minute, was " + inboxRetention);
      }
      problems.notNegative("storage.outboxRetention", outboxRetention);
      problems.throwIfAny();
      HikariDataSource owned =
          jdbcUrl == null ? null : PumpDataSources.pooled(jdbcUrl, user, password);
      DataSource source = owned != null ? owned : dataSource;
      try {
        if (migrate) {
          PumpMigrations.migrate(source, schema);
        }
        return new JdbcStorage(this, source, owned);
      } catch (RuntimeException e) {
        if (owned != null) {
          owned.close();
        }
        throw e;
      }
    }
  }
}
