package dev.pump.jdbc.spi;

import java.sql.Connection;

/**
 * One transaction a {@link TransactionHost} began for Pump, used by one thread. Pump writes on its
 * {@link #connection()}, sets and rolls back to savepoints there, and ends it through {@link
 * #commit()} or {@link #rollback()}, exactly once; it never commits, rolls back or closes the
 * connection itself.
 */
public interface HostedTransaction {
  /** The transaction's connection, the same on every call until the transaction ends. */
  Connection connection();

  /**
   * Runs {@code action} once the transaction's writes are committed for good: after {@link
   * #commit()} for a transaction of its own, after its owner's commit for one that joined another.
   * Never if it rolls back. Called before {@link #commit()}.
   */
  void afterCommit(Runnable action);

  /**
   * Makes writes that frameworks keep in memory (a JPA persistence context) reach the connection.
   * Pump calls it at the end of each attempt that shares the transaction with later ones, so that
   * undoing a later attempt cannot take them along. Default: nothing to flush.
   */
  default void flush() {}

  /**
   * Pump rolled the connection back to a savepoint: drop what frameworks keep in memory of the
   * writes undone (a JPA persistence context). Default: nothing kept.
   */
  default void rolledBackToSavepoint() {}

  /**
   * Commits, or leaves the commit to the owner of an outer transaction this one joined. After it
   * returns or throws, the transaction is over.
   */
  void commit();

  /**
   * Rolls back, or marks an outer transaction this one joined for rollback. After it returns or
   * throws, the transaction is over.
   */
  void rollback();
}
