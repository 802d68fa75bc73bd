package dev.pump.core.spi.pipeline;

import java.util.List;

/**
 * Arranges an endpoint's middleware around the built-in links, by name. Reached through {@code
 * EndpointBuilder.middleware(pipeline -> ...)}. Names must be unique and valid {@link
 * dev.pump.core.internal.shared.Names names}. Not thread-safe.
 *
 * <pre>{@code
 * builder.middleware(p -> p.addBefore(Middleware.INVOKE_HANDLERS, "audit", auditLink));
 * }</pre>
 */
public interface PipelineBuilder {
  /**
   * Inserts {@code middleware} right before the link named {@code anchor}.
   *
   * @throws dev.pump.core.PumpConfigurationException if {@code anchor} does not exist or {@code
   *     name} is taken or invalid
   */
  PipelineBuilder addBefore(String anchor, String name, Middleware middleware);

  /** Inserts {@code middleware} right after the link named {@code anchor}. */
  PipelineBuilder addAfter(String anchor, String name, Middleware middleware);

  /**
   * Replaces the link named {@code name}, built-in or not, keeping its position. Replacing a
   * built-in link replaces its behaviour entirely, so the new link must do that job too.
   */
  PipelineBuilder replace(String name, Middleware middleware);

  /** The names of the links, in order. */
  List<String> names();
}
