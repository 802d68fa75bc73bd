package dev.pump.jdbc.internal.uow;

import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PipelineContext;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.sql.SqlFailures;

/**
 * The {@value #NAME} link: gives each attempt its unit of work. A message claimed by this storage's
 * PostgreSQL transport brings the unit it was claimed in, and the attempt runs behind a savepoint
 * in it (the message's settle commits it); any other message gets a unit of its own per attempt,
 * committed only if the rest of the pipeline succeeded. The connection always goes back to the
 * pool.
 */
public final class UnitOfWorkLink implements Middleware {
  /** The link's name in the pipeline. */
  public static final String NAME = "unit-of-work";

  private final StorageRuntime runtime;

  /** Creates the link. */
  public UnitOfWorkLink(StorageRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    UnitOfWork claimed = context.attributes().get(runtime.claims()).orElse(null);
    if (claimed != null) {
      inClaim(claimed, context, next);
    } else {
      inOwnTransaction(context, next);
    }
  }

  private static void inClaim(UnitOfWork unit, PipelineContext context, Next next)
      throws Exception {
    UnitOfWork.Attempt attempt = unit.beginAttempt();
    context.attributes().put(UnitOfWork.CURRENT, unit);
    try {
      next.proceed();
      context.cancellation().throwIfCancelled();
    } catch (Throwable failure) {
      try {
        attempt.undo();
      } catch (RuntimeException undo) {
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
