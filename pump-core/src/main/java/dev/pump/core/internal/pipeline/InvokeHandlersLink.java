package dev.pump.core.internal.pipeline;

import dev.pump.core.PumpException;
import dev.pump.core.internal.routing.HandlerRegistration;
import dev.pump.core.internal.routing.HandlerRegistry;
import dev.pump.core.internal.routing.NoHandlerException;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PipelineContext;
import java.util.List;

/** The built-in {@value Middleware#INVOKE_HANDLERS} link: every matching handler, in order. */
public final class InvokeHandlersLink implements Middleware {
  private final HandlerRegistry handlers;

  /** Creates the link. */
  public InvokeHandlersLink(HandlerRegistry handlers) {
    this.handlers = handlers;
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    Object message = context.message();
    if (message == null) {
      throw new PumpException(
          "message " + context.messageId() + " reached invoke-handlers without being deserialized");
    }
    List<HandlerRegistration<?>> matching = handlers.handlersFor(message.getClass());
    if (matching.isEmpty()) {
      throw new NoHandlerException(
          "no handler for message " + context.messageId() + " of type " + message.getClass());
    }
    for (HandlerRegistration<?> handler : matching) {
      context.cancellation().throwIfCancelled();
      handler.invoke(message, context);
    }
    next.proceed();
  }
}
