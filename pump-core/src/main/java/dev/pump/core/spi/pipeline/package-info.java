/**
 * The message pipeline's service provider interface: {@link dev.pump.core.spi.pipeline.Middleware}
 * links, the context they see, and the names of the built-in links to insert around. Handlers never
 * need it; a storage, a tracer or a metrics module does.
 */
package dev.pump.core.spi.pipeline;
