package dev.pump.core.internal.pipeline;

import dev.pump.core.internal.dispatch.TransportDispatcher;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.pipeline.PipelineContext;
import java.util.List;

/**
 * The built-in {@value Middleware#DISPATCH_OUTGOING} link: batched dispatch. Nothing a handler sent
 * leaves before the rest of the chain succeeded; then everything leaves as one batch per
 * destination. If a link inside drained the buffer already (the outbox), there is nothing to do.
 */
public final class DispatchOutgoingLink implements Middleware {
  private final TransportDispatcher dispatcher;

  /** Creates the link. */
  public DispatchOutgoingLink(TransportDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    next.proceed();
    List<PendingMessage> pending = context.outgoing().drain();
    if (!pending.isEmpty()) {
      dispatcher.dispatch(pending);
    }
  }
}
