package dev.pump.jdbc.internal.uow;

import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.pipeline.PipelineContext;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.outbox.OutboxRows;
import dev.pump.jdbc.internal.outbox.OutboxStore;
import java.util.List;

/**
 * The {@value #NAME} link: once the handlers succeeded, writes everything they sent into the outbox
 * in the message's transaction (one statement), and wakes the dispatcher after commit.
 */
public final class OutboxLink implements Middleware {
  /** The link's name in the pipeline. */
  public static final String NAME = "outbox";

  private final StorageRuntime runtime;
  private final OutboxStore outbox;

  /** Creates the link. */
  public OutboxLink(StorageRuntime runtime) {
    this.runtime = runtime;
    this.outbox = runtime.outbox();
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    next.proceed();
    List<PendingMessage> sent = context.outgoing().drain();
    if (sent.isEmpty()) {
      return;
    }
    UnitOfWork unit = StorageLinks.unitOfWork(context, NAME);
    outbox.insert(unit.handle(), context.endpointName(), context.messageId(), OutboxRows.of(sent));
    unit.afterCommit(runtime::outboxCommitted);
  }
}
