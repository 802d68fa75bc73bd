package dev.pump.spring;

import dev.pump.core.PumpException;
import dev.pump.jdbc.spi.HostedTransaction;
import dev.pump.jdbc.spi.TransactionHost;
import dev.pump.spring.internal.PersistenceContexts;
import java.sql.Connection;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs Pump's message transactions in a Spring {@link PlatformTransactionManager}: each begins with
 * {@code PROPAGATION_REQUIRED}, so a handler's inbox row, outbox rows and business writes share one
 * Spring transaction with whatever the handler does through JPA repositories or a {@code
 * JdbcTemplate}, and {@code JdbcStorage.inTransaction} called inside a {@code @Transactional}
 * method joins that method's transaction. Given to {@code JdbcStorage.Builder.transactionHost}; the
 * starter does so when the application has a transaction manager.
 *
 * <p>The transaction manager must manage {@code dataSource}, the storage's own (a {@code
 * DataSourceTransactionManager} or {@code JpaTransactionManager} over it): Pump writes on the
 * connection {@link DataSourceUtils} finds bound to the transaction, and refuses to begin when none
 * is. After Pump rolls back to a savepoint, JPA persistence contexts bound to the transaction are
 * cleared, so entities of the undone attempt do not reach the database later. Thread-safe.
 */
public final class SpringTransactionHost implements TransactionHost {
  private final PlatformTransactionManager transactionManager;
  private final DataSource dataSource;

  /**
   * A host over {@code transactionManager}, whose transactions must run on {@code dataSource}, the
   * storage's data source.
   */
  public SpringTransactionHost(
      PlatformTransactionManager transactionManager, DataSource dataSource) {
    this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** The transaction manager the message transactions run in. */
  public PlatformTransactionManager transactionManager() {
    return transactionManager;
  }

  @Override
  public HostedTransaction begin(TransactionIsolationLevel isolation) {
    DefaultTransactionDefinition definition =
        new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRED);
    definition.setIsolationLevel(isolationOf(isolation));
    definition.setName("pump");
    TransactionStatus status = transactionManager.getTransaction(definition);
    Connection connection;
    try {
      connection = DataSourceUtils.getConnection(dataSource);
      if (!DataSourceUtils.isConnectionTransactional(connection, dataSource)) {
        DataSourceUtils.releaseConnection(connection, dataSource);
        throw new PumpException(
            "the transaction manager "
                + transactionManager.getClass().getName()
                + " began a transaction that is not on the storage's DataSource: give the storage"
                + " the DataSource this transaction manager manages, or set"
                + " pump.storage.join-spring-transactions=false");
      }
    } catch (RuntimeException | Error e) {
      try {
        transactionManager.rollback(status);
      } catch (RuntimeException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
    return new SpringTransaction(status, connection);
  }

  private static int isolationOf(TransactionIsolationLevel isolation) {
    return switch (isolation) {
      case READ_UNCOMMITTED -> TransactionDefinition.ISOLATION_READ_UNCOMMITTED;
      case READ_COMMITTED -> TransactionDefinition.ISOLATION_READ_COMMITTED;
      case REPEATABLE_READ -> TransactionDefinition.ISOLATION_REPEATABLE_READ;
      case SERIALIZABLE -> TransactionDefinition.ISOLATION_SERIALIZABLE;
      default -> TransactionDefinition.ISOLATION_DEFAULT;
    };
  }

  @Override
  public String toString() {
    return "SpringTransactionHost[" + transactionManager.getClass().getSimpleName() + "]";
  }

  /** One Spring transaction, begun or joined, and the connection bound to it. */
  private final class SpringTransaction implements HostedTransaction {
    private final TransactionStatus status;
    private Connection connection;

    SpringTransaction(TransactionStatus status, Connection connection) {
      this.status = status;
      this.connection = connection;
    }

    @Override
    public Connection connection() {
      if (connection == null) {
        throw new IllegalStateException("the transaction is over");
      }
      return connection;
    }

    @Override
    public void afterCommit(Runnable action) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              action.run();
            }
          });
    }

    @Override
    public void flush() {
      status.flush();
    }

    @Override
    public void rolledBackToSavepoint() {
      PersistenceContexts.clearBound();
    }

    @Override
    public void commit() {
      release();
      transactionManager.commit(status);
    }

    @Override
    public void rollback() {
      release();
      transactionManager.rollback(status);
    }

    private void release() {
      Connection held = connection;
      connection = null;
      if (held != null) {
        DataSourceUtils.releaseConnection(held, dataSource);
      }
    }
  }
}
