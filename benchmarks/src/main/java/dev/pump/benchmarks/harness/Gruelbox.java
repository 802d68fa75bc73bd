package dev.pump.benchmarks.harness;

import com.gruelbox.transactionoutbox.Dialect;
import com.gruelbox.transactionoutbox.Instantiator;
import com.gruelbox.transactionoutbox.Persistor;
import com.gruelbox.transactionoutbox.Submitter;
import com.gruelbox.transactionoutbox.ThreadLocalContextTransactionManager;
import com.gruelbox.transactionoutbox.TransactionManager;
import com.gruelbox.transactionoutbox.TransactionOutbox;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * The peer library, gruelbox transaction-outbox, set up the way its README shows for plain JDBC: a
 * thread-local transaction manager over a data source, the PostgreSQL persistor (its own table
 * {@code txno_outbox}, created by its own migrations in the pool's schema), and a method call
 * scheduled per message. What the call does when the outbox runs it is up to {@link Sink}.
 */
public final class Gruelbox {
  private Gruelbox() {}

  /**
   * What a scheduled message does when gruelbox runs it. Public: gruelbox proxies it when
   * scheduling and invokes it by reflection when flushing.
   */
  public interface Sink {
    /** Delivers one message. */
    void deliver(String destination, String messageId, String body);
  }

  public record Setup(
      ThreadLocalContextTransactionManager transactions, TransactionOutbox outbox) {}

  /**
   * An outbox over {@code dataSource} whose scheduled calls go to {@code sink}, submitted after
   * commit to {@code executor} (a discarding executor leaves them for a later flush).
   */
  public static Setup create(DataSource dataSource, Sink sink, Executor executor) {
    ThreadLocalContextTransactionManager transactions =
        TransactionManager.fromDataSource(dataSource);
    TransactionOutbox outbox =
        TransactionOutbox.builder()
            .transactionManager(transactions)
            .persistor(Persistor.forDialect(Dialect.POSTGRESQL_9))
            .instantiator(Instantiator.using(type -> sink))
            .submitter(Submitter.withExecutor(executor))
            .build();
    return new Setup(transactions, outbox);
  }

  /** An executor that drops what it is given: scheduled rows stay in the table. */
  public static final Executor DISCARD = command -> {};
}
