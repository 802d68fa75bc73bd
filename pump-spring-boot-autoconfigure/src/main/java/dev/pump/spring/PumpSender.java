package dev.pump.spring;

import dev.pump.core.Endpoint;
import dev.pump.core.MessageSender;
import dev.pump.core.PumpException;
import dev.pump.core.SendOptions;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxSession;
import java.sql.Connection;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Sends and publishes from Spring-managed transactions: inside a {@code @Transactional} method (or
 * a {@code TransactionTemplate}), every send becomes an outbox row written on the transaction's own
 * connection just before it commits, so the messages exist if and only if the transaction commits,
 * together with what the method wrote through JPA or a {@code JdbcTemplate}. After the commit, the
 * dispatcher relays them.
 *
 * <pre>{@code
 * @Transactional
 * public void placeOrder(PlaceOrder order) {
 *   orders.save(new OrderEntity(order.id(), order.total()));
 *   pump.publish(new OrderPlaced(order.id()));
 * }
 * }</pre>
 *
 * <p>Each actual Spring transaction gets its own buffer of sends: a method run with {@code
 * REQUIRES_NEW} inside another writes its sends with its own commit, and the outer one's stay with
 * the outer. Messages get the routing, serializer and headers of one endpoint ({@code
 * pump.sender.endpoint}, default the only one). A send refuses, with a {@link PumpException}, when
 * no transaction is active, when it is read-only, or when it does not run on the storage's
 * DataSource: there it could not be atomic. Thread-safe.
 */
public final class PumpSender implements MessageSender {
  private final JdbcStorage storage;
  private final Endpoint endpoint;
  private final DataSource dataSource;

  /**
   * A sender writing to {@code storage}'s outbox with {@code endpoint}'s routing and serializer.
   */
  public PumpSender(JdbcStorage storage, Endpoint endpoint) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.dataSource = storage.dataSource();
  }

  /** The endpoint whose routing, serializer and headers the messages get. */
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void send(Object message, SendOptions options) {
    session().send(message, options);
  }

  @Override
  public void send(String destination, Object message, SendOptions options) {
    session().send(destination, message, options);
  }

  @Override
  public void publish(Object event, SendOptions options) {
    session().publish(event, options);
  }

  /** The current transaction's session, begun with its first send. */
  private OutboxSession session() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()
        || !TransactionSynchronizationManager.isSynchronizationActive()) {
      throw new PumpException(
          "PumpSender sends only inside a Spring-managed transaction, so that the messages commit"
              + " or roll back with it: call it from a @Transactional method or a"
              + " TransactionTemplate");
    }
    if (TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
      throw new PumpException(
          "PumpSender cannot send in a read-only transaction ("
              + TransactionSynchronizationManager.getCurrentTransactionName()
              + "): its messages are rows written when it commits");
    }
    Session session = (Session) TransactionSynchronizationManager.getResource(this);
    if (session == null) {
      if (!TransactionSynchronizationManager.hasResource(dataSource)) {
        throw new PumpException(
            "PumpSender's transaction ("
                + TransactionSynchronizationManager.getCurrentTransactionName()
                + ") does not run on the storage's DataSource, so its messages could not commit"
                + " with it: use the transaction manager of the DataSource Pump's storage uses");
      }
      session = new Session(storage.session(endpoint));
      TransactionSynchronizationManager.bindResource(this, session);
      TransactionSynchronizationManager.registerSynchronization(session);
    }
    return session.sends;
  }

  @Override
  public String toString() {
    return "PumpSender[" + endpoint.name() + "]";
  }

  /**
   * One transaction's sends: bound to it while it runs (unbound while a {@code REQUIRES_NEW}
   * transaction suspends it), written in its {@code beforeCommit}, announced after its commit.
   */
  private final class Session implements TransactionSynchronization {
    private final OutboxSession sends;
    private boolean written;

    Session(OutboxSession sends) {
      this.sends = sends;
    }

    @Override
    public void suspend() {
      TransactionSynchronizationManager.unbindResource(PumpSender.this);
    }

    @Override
    public void resume() {
      TransactionSynchronizationManager.bindResource(PumpSender.this, this);
    }

    @Override
    public void beforeCommit(boolean readOnly) {
      if (!sends.hasPending()) {
        return;
      }
      Connection connection = DataSourceUtils.getConnection(dataSource);
      try {
        written |= sends.writeTo(connection) > 0;
      } finally {
        DataSourceUtils.releaseConnection(connection, dataSource);
      }
    }

    @Override
    public void afterCommit() {
      if (written) {
        sends.committed();
      }
    }

    @Override
    public void afterCompletion(int status) {
      TransactionSynchronizationManager.unbindResourceIfPossible(PumpSender.this);
    }
  }
}
