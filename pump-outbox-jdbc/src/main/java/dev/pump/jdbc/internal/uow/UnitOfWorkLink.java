package dev.pump.jdbc.internal.uow;

import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PipelineContext;
import dev.pump.jdbc.internal.sql.SqlFailures;
import dev.pump.jdbc.internal.sql.Transactions;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The {@value #NAME} link: one transaction per message attempt. It joins the transaction a
 * PostgreSQL queue transport claimed the message in (inside a savepoint, committed when the message
 * completes), or opens its own and commits it only if the rest of the pipeline succeeded. The
 * connection always goes back to the pool.
 */
public final class UnitOfWorkLink implements Middleware {
  /** The link's name in the pipeline. */
  public static final String NAME = "unit-of-work";

  private final Jdbi jdbi;
  private final TransactionIsolationLevel isolation;

  /** Creates the link. */
  public UnitOfWorkLink(Jdbi jdbi, TransactionIsolationLevel isolation) {
    this.jdbi = jdbi;
    this.isolation = isolation;
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    UnitOfWork joined = context.attributes().get(UnitOfWork.KEY).orElse(null);
    // join a transport's claim only on the same database; another storage's claim is not ours
    if (joined != null && joined.claimed() && joined.belongsTo(jdbi)) {
      joined.beginAttempt();
      try {
        next.proceed();
        context.cancellation().throwIfCancelled();
      } catch (Throwable failure) {
        try {
          joined.undoAttempt();
        } catch (RuntimeException undo) {
          failure.addSuppressed(undo); // the handler's failure is what recoverability must see
        }
        throwIfPermanent(context, failure);
        throw failure;
      }
      return;
    }
    Handle handle = jdbi.open();
    UnitOfWork own = new UnitOfWork(handle, false, jdbi);
    try {
      Transactions.begin(handle, isolation);
      context.attributes().put(UnitOfWork.KEY, own);
      next.proceed();
      // stop cancels a message whose grace ran out, and may return at once; nothing of the
      // endpoint may commit after that, however long its handler ignored the cancellation
      context.cancellation().throwIfCancelled();
      own.commit();
    } catch (Throwable failure) {
      rollbackQuietly(own, failure);
      throwIfPermanent(context, failure);
      throw failure;
    } finally {
      context.attributes().remove(UnitOfWork.KEY);
      own.close();
    }
  }

  /** A refusal of the message's data by the database is unrecoverable: it would meet it again. */
  private static void throwIfPermanent(PipelineContext context, Throwable failure) {
    if (SqlFailures.classify("message " + context.messageId(), failure)
        instanceof UnrecoverableMessageException unrecoverable) {
      throw unrecoverable;
    }
  }

  private static void rollbackQuietly(UnitOfWork unit, Throwable failure) {
    try {
      unit.rollback();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
