package dev.pump.jdbc.internal.uow;

import dev.pump.core.Attributes;
import dev.pump.core.PumpException;
import dev.pump.jdbc.internal.sql.Transactions;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database transaction of the storage, and its only owner: it begins it, and it alone commits
 * or rolls it back, then returns the connection. Everything of Pump's that writes in a message's
 * transaction (the queue's claim, the inbox, the outbox, the handlers' business writes) works on
 * its {@link #handle()}; nothing else begins, commits or rolls back that handle.
 *
 * <p>The work inside is divided into {@linkplain Attempt attempts}, each behind a savepoint of its
 * own, so the last attempt can be undone while the transaction, and what came before the attempt,
 * stays: a failed attempt of a claimed message is retried without giving up the claim. Undoing an
 * attempt also undoes every later one, so a transaction holding several messages keeps one attempt
 * open at a time.
 *
 * <p>Confined to one thread at a time, except {@link #close()}, which is idempotent.
 */
public final class UnitOfWork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnitOfWork.class);

  /** The unit of work of the attempt running now, where handlers reach it (see JdbcContext). */
  public static final Attributes.Key<UnitOfWork> CURRENT =
      Attributes.Key.of("pump.jdbc.unit-of-work", UnitOfWork.class);

  private final Handle handle;
  private final List<Runnable> afterCommit = new ArrayList<>();
  private volatile boolean open = true;
  private volatile boolean ended;
  private int attempts;
  private Attempt last;

  private UnitOfWork(Handle handle) {
    this.handle = handle;
  }

  /** Opens a connection of {@code jdbi} and begins a transaction in it. */
  public static UnitOfWork ownTransaction(Jdbi jdbi, TransactionIsolationLevel isolation) {
    Handle handle = jdbi.open();
    try {
      return onConnection(handle, isolation);
    } catch (RuntimeException | Error e) {
      handle.close();
      throw e;
    }
  }

  /**
   * Begins a transaction on {@code handle}, a connection the caller has used outside any
   * transaction (the queue's receive counts a delivery first, then claims the message in this). The
   * unit now owns the connection and closes it.
   */
  public static UnitOfWork onConnection(Handle handle, TransactionIsolationLevel isolation) {
    Transactions.begin(handle, isolation);
    return new UnitOfWork(handle);
  }

  /** The open handle, for business writes and Pump's rows. */
  public Handle handle() {
    if (!open) {
      throw new PumpException(
          "the message's transaction is over: use the handle only while the handler runs");
    }
    return handle;
  }

  /** Starts an attempt: its writes can be undone alone until the transaction ends. */
  public Attempt beginAttempt() {
    Attempt attempt = new Attempt("pump_attempt_" + ++attempts);
    handle.savepoint(attempt.savepoint);
    last = attempt;
    return attempt;
  }

  /**
   * Undoes the last attempt's writes if an attempt began: a message given back keeps nothing of its
   * handling, even of an attempt that returned normally after it was cancelled.
   */
  public void undoLastAttempt() {
    if (last != null) {
      last.undo();
    }
  }

  /** Runs {@code action} after the transaction commits (never if it rolls back). */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /**
   * Commits, then runs the after-commit actions. An action that fails is logged: the transaction
   * committed, and nothing may report it as failed.
   */
  public void commit() {
    handle.commit();
    open = false;
    ended = true;
    for (Runnable action : afterCommit) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("An action after a committed transaction failed; the commit stands", e);
      }
    }
  }

  /** Rolls back; after-commit actions are dropped. */
  public void rollback() {
    open = false;
    afterCommit.clear();
    handle.rollback();
    ended = true;
  }

  /** Rolls back, adding a failure of the rollback to {@code failure} instead of throwing it. */
  public void rollbackQuietly(Throwable failure) {
    try {
      rollback();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Rolls back a transaction neither committed nor rolled back, and returns the connection to its
   * pool. Never throws: it runs in {@code finally} blocks, where it must not hide the failure that
   * brought it there; what fails here is logged.
   */
  @Override
  public void close() {
    open = false;
    try {
      if (!ended) {
        ended = true;
        handle.rollback();
      }
    } catch (RuntimeException e) {
      log.debug("Rolling back an unfinished transaction on close failed", e);
    } finally {
      try {
        handle.close();
      } catch (RuntimeException e) {
        log.warn("Returning a connection to its pool failed", e);
      }
    }
  }

  /** Work inside the transaction behind a savepoint of its own. */
  public final class Attempt {
    private final String savepoint;

    private Attempt(String savepoint) {
      this.savepoint = savepoint;
    }

    /** Undoes this attempt's writes; the transaction and what came before the attempt stay. */
    public void undo() {
      handle.rollbackToSavepoint(savepoint);
    }
  }
}
