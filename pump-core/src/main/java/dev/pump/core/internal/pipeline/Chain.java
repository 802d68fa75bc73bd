package dev.pump.core.internal.pipeline;

import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.PipelineContext;
import java.util.List;

/** The compiled middleware chain of an endpoint: immutable, shared by every message. */
public final class Chain {
  private final Middleware[] links;

  /** Compiles the links, in order. */
  public Chain(List<Middleware> links) {
    this.links = links.toArray(Middleware[]::new);
  }

  /** Runs the whole chain for one message. */
  public void invoke(PipelineContext context) throws Exception {
    step(context, 0);
  }

  private void step(PipelineContext context, int index) throws Exception {
    if (index < links.length) {
      links[index].invoke(context, () -> step(context, index + 1));
    }
  }
}
