package dev.pump.jdbc.spi;

import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Begins the storage's message transactions in a transaction manager the application already runs,
 * instead of on the storage's own connections: a handler's inbox row, outbox rows and business
 * writes then sit in one transaction of that manager, and whatever the application writes through
 * it (JPA repositories, a JDBC template) is part of it. Given to {@code
 * JdbcStorage.Builder.transactionHost}.
 *
 * <p>Every transaction must run on a connection of the storage's data source. The host is called on
 * the thread that will do the transaction's work, and every call on the returned transaction comes
 * from that thread. Implementations must be thread-safe.
 */
public interface TransactionHost {
  /**
   * Begins a transaction on the calling thread: a new one, or, where the host's rules say so, a
   * part of one the thread is in already (then its owner commits it).
   *
   * @param isolation the storage's isolation for message transactions
   * @throws RuntimeException if no transaction can begin; Pump treats it as a failed attempt
   */
  HostedTransaction begin(TransactionIsolationLevel isolation);
}
