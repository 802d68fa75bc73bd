package dev.pump.jdbc.internal.uow;

// This file is long because it is the one owner of a message transaction: its attempts and
// savepoints, deferred rows, commit actions, and both ways of ending it (its own, or a host's)
// must be read together to see that the transaction ends exactly once.

import dev.pump.core.Attributes;
import dev.pump.core.PumpException;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.jdbc.internal.sql.AbortedTransactions;
import dev.pump.jdbc.internal.sql.BorrowedConnections;
import dev.pump.jdbc.internal.sql.Transactions;
import dev.pump.jdbc.spi.HostedTransaction;
import dev.pump.jdbc.spi.TransactionHost;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
 * <p>The transaction is either the unit's own, begun and ended on its handle, or one a {@link
 * TransactionHost} began, which the unit ends through the host (a Spring transaction, shared with
 * the application's own data access).
 *
 * <p>Confined to one thread at a time, except {@link #close()}, which is idempotent; a hosted unit
 * is confined to the thread that began it.
 */
public final class UnitOfWork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Loggers.STORAGE);

  /** The unit of work of the attempt running now, where handlers reach it (see JdbcContext). */
  public static final Attributes.Key<UnitOfWork> CURRENT =
      Attributes.Key.of("pump.jdbc.unit-of-work", UnitOfWork.class);

  private final Handle handle;
  private final Ending ending;
  private final Map<Integer, Savepoint> savepoints = new HashMap<>();
  private final List<Runnable> afterCommit = new ArrayList<>();
  private final Map<Object, Runnable> beforeCommit = new LinkedHashMap<>();
  private final List<Deferred> deferred = new ArrayList<>();
  // the attempts whose savepoints exist, oldest first
  private final List<Integer> live = new ArrayList<>();
  private volatile boolean open = true;
  private volatile boolean ended;
  private volatile RuntimeException broken;
  private int attempts;
  private Attempt last;

  private UnitOfWork(Handle handle, Ending ending) {
    this.handle = handle;
    this.ending = ending;
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
    return new UnitOfWork(handle, new OwnTransaction(handle));
  }

  /**
   * Begins a transaction through {@code host} on the calling thread, and works on its connection
   * through {@code connections}; the host ends it, and owns the connection.
   */
  public static UnitOfWork hosted(
      TransactionHost host, TransactionIsolationLevel isolation, BorrowedConnections connections) {
    HostedTransaction transaction = host.begin(isolation);
    Handle handle;
    try {
      handle = connections.open(transaction.connection());
    } catch (RuntimeException | Error e) {
      try {
        transaction.rollback();
      } catch (RuntimeException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
    return new UnitOfWork(handle, new Hosted(handle, transaction));
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
    Attempt attempt = new Attempt(++attempts);
    try {
      savepoints.put(
          attempt.number, handle.getConnection().setSavepoint(savepointOf(attempt.number)));
    } catch (SQLException e) {
      throw new PumpException("cannot begin attempt " + attempt.number + " of a transaction", e);
    }
    live.add(attempt.number);
    last = attempt;
    return attempt;
  }

  /**
   * Marks the transaction unfit to commit: an attempt could not be undone (its writes may still be
   * there) or could not begin. {@link #commit()} then refuses, and the work is given back.
   */
  public void markBroken(RuntimeException cause) {
    if (broken == null) {
      broken = cause;
    }
  }

  /** Whether {@link #markBroken} was called: the transaction will not commit. */
  public boolean isBroken() {
    return broken != null;
  }

  /** How many attempts began so far; the next one gets this number plus one. */
  public int attemptsBegun() {
    return attempts;
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

  /**
   * Undoes the writes of attempt {@code first} and of every later one, and drops what they
   * {@linkplain #defer deferred}; nothing if they are undone already. The transaction and what came
   * before stays.
   */
  public void undoAttemptsFrom(int first) {
    Integer target = null;
    for (int number : live) {
      if (number >= first) {
        target = number;
        break;
      }
    }
    if (target != null) {
      try {
        handle.getConnection().rollback(savepoints.get(target));
      } catch (SQLException e) {
        throw new PumpException("cannot undo attempt " + target + " of a transaction", e);
      }
      int undone = target;
      // the later savepoints are gone; the one rolled back to is never used again
      live.removeIf(number -> number >= undone);
      savepoints.keySet().removeIf(number -> number >= undone);
      ending.rolledBackToSavepoint();
    }
    deferred.removeIf(item -> item.attempt >= first);
  }

  /**
   * Throws if a statement failed in the transaction and {@code what} caught the failure and went
   * on: PostgreSQL refuses everything after it, and would roll back at the commit. The attempt that
   * did it is to fail, so that undoing it makes the transaction usable again for what comes after.
   */
  public void requireNotAborted(String what) {
    if (AbortedTransactions.isAborted(handle.getConnection())) {
      throw AbortedTransactions.failure(what, handle.getConnection());
    }
  }

  /**
   * Makes the attempt's writes that frameworks keep in memory reach the connection (a hosted
   * transaction's JPA persistence context), so undoing a later attempt cannot take them along.
   */
  public void flushAttempt() {
    ending.flush();
  }

  /**
   * Keeps {@code item} for the commit, as part of the attempt running now: undoing that attempt
   * drops it. Storage defers rows it writes for many messages in one statement before the commit.
   */
  public <T> void defer(Deferral<T> kind, T item) {
    deferred.add(new Deferred(attempts, kind, item));
  }

  /** What is deferred of {@code kind} and not undone, in the order it was deferred. */
  public <T> List<T> deferred(Deferral<T> kind) {
    List<T> items = new ArrayList<>();
    for (Deferred item : deferred) {
      if (item.kind == kind) {
        items.add(kind.type.cast(item.item));
      }
    }
    return items;
  }

  /**
   * Runs {@code action} just before the commit, once per {@code key} however often it is
   * registered; actions run in the order they were first registered. One that fails fails the
   * commit: the transaction is rolled back when the unit is closed.
   */
  public void beforeCommit(Object key, Runnable action) {
    beforeCommit.putIfAbsent(key, action);
  }

  /** Runs {@code action} after the transaction commits (never if it rolls back). */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /**
   * Runs {@code action} after the transaction commits, on this unit's connection, out of any
   * transaction (each statement commits at once), before the connection goes back to the pool.
   */
  public void afterCommitOnConnection(Consumer<Handle> action) {
    afterCommit.add(() -> action.accept(handle));
  }

  /**
   * Commits, then runs the after-commit actions. An action that fails is logged: the transaction
   * committed, and nothing may report it as failed. A transaction a caught failure aborted is
   * refused, since PostgreSQL would roll it back and report a commit.
   */
  public void commit() {
    if (broken != null) {
      throw new PumpException(
          "the transaction was not committed: an attempt's writes could not be undone, or a new"
              + " attempt could not begin, so it may hold writes of a failed attempt",
          broken);
    }
    requireNotAborted("the work in the transaction");
    for (Runnable action : List.copyOf(beforeCommit.values())) {
      action.run();
    }
    List<Runnable> actions = List.copyOf(afterCommit);
    afterCommit.clear();
    ending.commit(actions);
    open = false;
    ended = true;
  }

  private static void runAfterCommit(List<Runnable> actions) {
    for (Runnable action : actions) {
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
    deferred.clear();
    ended = true;
    ending.rollback();
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
        ending.rollback();
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

  private static String savepointOf(int attempt) {
    return "pump_attempt_" + attempt;
  }

  /** Work inside the transaction behind a savepoint of its own. */
  public final class Attempt {
    private final int number;

    private Attempt(int number) {
      this.number = number;
    }

    /**
     * Undoes this attempt's writes, and those of any later attempt; the transaction and what came
     * before the attempt stay.
     */
    public void undo() {
      undoAttemptsFrom(number);
    }
  }

  /**
   * A kind of item storage {@linkplain #defer defers} to the commit.
   *
   * @param <T> the items' type
   */
  public static final class Deferral<T> {
    private final String name;
    private final Class<T> type;

    private Deferral(String name, Class<T> type) {
      this.name = name;
      this.type = type;
    }

    /** A new kind, compared by identity. */
    public static <T> Deferral<T> of(String name, Class<T> type) {
      return new Deferral<>(name, type);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private record Deferred(int attempt, Deferral<?> kind, Object item) {}

  /** How the unit's transaction ends: on its own handle, or through the host that began it. */
  private interface Ending {
    /** Commits; {@code afterCommit} runs once the writes are committed for good. */
    void commit(List<Runnable> afterCommit);

    void rollback();

    default void flush() {}

    default void rolledBackToSavepoint() {}
  }

  private record OwnTransaction(Handle handle) implements Ending {
    @Override
    public void commit(List<Runnable> afterCommit) {
      handle.commit();
      runAfterCommit(afterCommit);
    }

    @Override
    public void rollback() {
      handle.rollback();
    }
  }

  /**
   * A host's transaction: the unit's handle lends its connection and never ends the transaction;
   * the host ends it exactly once, and runs the after-commit actions after its real commit.
   */
  private static final class Hosted implements Ending {
    private final Handle handle;
    private final HostedTransaction transaction;
    private boolean over;

    Hosted(Handle handle, HostedTransaction transaction) {
      this.handle = handle;
      this.transaction = transaction;
    }

    @Override
    public void commit(List<Runnable> afterCommit) {
      end();
      if (!afterCommit.isEmpty()) {
        transaction.afterCommit(() -> runAfterCommit(afterCommit));
      }
      transaction.commit();
    }

    @Override
    public void rollback() {
      if (!over) {
        end();
        transaction.rollback();
      }
    }

    @Override
    public void flush() {
      transaction.flush();
    }

    @Override
    public void rolledBackToSavepoint() {
      transaction.rolledBackToSavepoint();
    }

    /** Whatever the host's end does, it happens once, with Pump's handle closed first. */
    private void end() {
      if (over) {
        throw new IllegalStateException("the hosted transaction is over");
      }
      over = true;
      handle.close();
    }
  }
}
