package dev.pump.jdbc.internal.uow;

import dev.pump.core.Attributes;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.spi.pipeline.Batch;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PipelineContext;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.sql.SqlFailures;

/**
 * The {@value #NAME} link: gives each attempt its unit of work. A message claimed by this storage's
 * PostgreSQL transport brings the unit it was claimed in (one for a whole batch), and the attempt
 * runs behind a savepoint in it (the settle of the batch's last message commits it). A message of
 * any other transport that is handled alone gets a unit of its own per attempt, committed only if
 * the rest of the pipeline succeeded; one handled in a batch shares a unit with the rest of the
 * batch, behind a savepoint per attempt, committed once the batch is done (before its messages are
 * completed). The connection always goes back to the pool.
 *
 * <p>An attempt whose pipeline returned normally with the transaction aborted (a handler caught a
 * database error and went on) fails like one that threw: undone to its savepoint, which makes the
 * transaction usable again, so its message alone goes through recoverability and the rest of the
 * batch still commits; a message alone would otherwise commit nothing and be completed.
 *
 * <p>A storage with a transaction host begins every unit through the host, on the message's thread:
 * a claimed message's handler then runs in a transaction of its own (or its batch's), committed
 * before the claim is settled in the claim's; a crash between the two brings the message back, and
 * the inbox skips it.
 */
public final class UnitOfWorkLink implements Middleware {
  /** The link's name in the pipeline. */
  public static final String NAME = "unit-of-work";

  private final StorageRuntime runtime;
  // where a batch keeps the unit its messages share, when no claim brought one
  private final Attributes.Key<UnitOfWork> batchUnit =
      Attributes.Key.of("pump.jdbc.batch-unit-of-work", UnitOfWork.class);

  /** Creates the link. */
  public UnitOfWorkLink(StorageRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    // a host's transaction begins on the message's thread, so it cannot be the claim's, begun on
    // the receiver's: the claim then stays apart and settles after the handler's commit
    UnitOfWork claimed =
        runtime.hosted() ? null : context.attributes().get(runtime.claims()).orElse(null);
    if (claimed != null) {
      inShared(claimed, context, next);
    } else if (context.batch().isShared()) {
      inShared(batchUnit(context.batch()), context, next);
    } else {
      inOwnTransaction(context, next);
    }
  }

  /** The unit the batch's messages share, begun by the first of them to get here. */
  private UnitOfWork batchUnit(Batch batch) {
    UnitOfWork unit = batch.attributes().get(batchUnit).orElse(null);
    // A broken unit (an attempt could not be undone or begun: its connection failed) will not
    // commit, so every message handled in the batch is given back once the batch is done; the rest
    // run in a fresh unit rather than fail on the broken one, which would send them through
    // recoverability for no fault of theirs. The broken one ends first: its locks would hold the
    // fresh one (the inbox rows of the whole batch), and a host would join its transaction.
    if (unit == null || unit.isBroken()) {
      if (unit != null) {
        unit.close();
      }
      UnitOfWork begun = runtime.beginUnitOfWork();
      batch.attributes().put(batchUnit, begun);
      batch.beforeCompletion(begun::commit);
      batch.onEnd(begun::close);
      unit = begun;
    }
    return unit;
  }

  private static void inShared(UnitOfWork unit, PipelineContext context, Next next)
      throws Exception {
    UnitOfWork.Attempt attempt;
    try {
      attempt = unit.beginAttempt();
    } catch (RuntimeException e) {
      unit.markBroken(e);
      throw e;
    }
    context.attributes().put(UnitOfWork.CURRENT, unit);
    try {
      next.proceed();
      context.cancellation().throwIfCancelled();
      unit.flushAttempt();
      // what comes after this attempt in the transaction must not pay for an error it caught
      unit.requireNotAborted("the handling of message " + context.messageId());
    } catch (Throwable failure) {
      try {
        attempt.undo();
      } catch (RuntimeException undo) {
        // the attempt's writes may still be there: the transaction must not commit
        unit.markBroken(undo);
        failure.addSuppressed(undo); // the handler's failure is what recoverability must see
      }
      throwIfPermanent(context, failure);
      throw failure;
    } finally {
      context.attributes().remove(UnitOfWork.CURRENT);
    }
  }

  private void inOwnTransaction(PipelineContext context, Next next) throws Exception {
    try (UnitOfWork unit = runtime.beginUnitOfWork()) {
      context.attributes().put(UnitOfWork.CURRENT, unit);
      try {
        next.proceed();
        // stop cancels a message whose grace ran out, and may return at once; nothing of the
        // endpoint may commit after that, however long its handler ignored the cancellation
        context.cancellation().throwIfCancelled();
        unit.requireNotAborted("the handling of message " + context.messageId());
        unit.commit();
      } catch (Throwable failure) {
        unit.rollbackQuietly(failure);
        throwIfPermanent(context, failure);
        throw failure;
      } finally {
        context.attributes().remove(UnitOfWork.CURRENT);
      }
    }
  }

  /** A refusal of the message's data by the database is unrecoverable: it would meet it again. */
  private static void throwIfPermanent(PipelineContext context, Throwable failure) {
    if (SqlFailures.classify("message " + context.messageId(), failure)
        instanceof UnrecoverableMessageException unrecoverable) {
      throw unrecoverable;
    }
  }
}
