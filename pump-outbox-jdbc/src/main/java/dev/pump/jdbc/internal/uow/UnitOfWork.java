package dev.pump.jdbc.internal.uow;

import dev.pump.core.Attributes;
import dev.pump.core.PumpException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * One message's database transaction, as the storage links and handlers see it. Either the
 * unit-of-work link opened it, or the PostgreSQL queue transport did when it claimed the message
 * (then receive, business writes, inbox and outbox commit together, and each attempt runs inside a
 * savepoint so a failed attempt can be undone without giving up the claim).
 *
 * <p>Confined to the message's thread, except {@link #close()}, which is idempotent.
 */
public final class UnitOfWork {
  /** Where the current message's unit of work sits in its context. */
  public static final Attributes.Key<UnitOfWork> KEY =
      Attributes.Key.of("pump.jdbc.unit-of-work", UnitOfWork.class);

  private static final String SAVEPOINT = "pump_attempt";

  private final Handle handle;
  private final boolean claimed;
  private final Object owner;
  private final List<Runnable> afterCommit = new ArrayList<>();
  private volatile boolean open = true;
  private boolean attempted;

  /**
   * Wraps a handle whose transaction has begun.
   *
   * @param claimed whether a transport claimed a message in it, so attempts need savepoints
   * @param owner the storage (its Jdbi) whose database the transaction is on
   */
  public UnitOfWork(Handle handle, boolean claimed, Object owner) {
    this.handle = handle;
    this.claimed = claimed;
    this.owner = owner;
  }

  /** Whether this transaction is on {@code storage}'s database, so its links may join it. */
  public boolean belongsTo(Object storage) {
    return owner == storage;
  }

  /** The open handle, for business writes and Pump's rows. */
  public Handle handle() {
    if (!open) {
      throw new PumpException(
          "the message's transaction is over: use the handle only while the handler runs");
    }
    return handle;
  }

  /** Whether the transaction belongs to a transport's claim (savepoint per attempt). */
  public boolean claimed() {
    return claimed;
  }

  /** Marks the start of an attempt, so that its writes can be undone alone. */
  public void beginAttempt() {
    handle.savepoint(SAVEPOINT);
    attempted = true;
  }

  /** Undoes the current attempt's writes; the claim stays. */
  public void undoAttempt() {
    handle.rollbackToSavepoint(SAVEPOINT);
  }

  /**
   * Undoes the last attempt's writes if an attempt began: a message given back keeps nothing of its
   * handling, even of an attempt that returned normally after it was cancelled.
   */
  public void undoAnyAttempt() {
    if (attempted) {
      undoAttempt();
    }
  }

  /** Runs {@code action} after the transaction commits (never if it rolls back). */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /** Commits, then runs the after-commit actions. */
  public void commit() {
    handle.commit();
    open = false;
    for (Runnable action : afterCommit) {
      action.run();
    }
  }

  /** Rolls back; after-commit actions are dropped. */
  public void rollback() {
    open = false;
    afterCommit.clear();
    handle.rollback();
  }

  /** Returns the connection to its pool. */
  public void close() {
    open = false;
    handle.close();
  }
}
