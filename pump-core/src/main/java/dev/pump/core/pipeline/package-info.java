/**
 * The message pipeline: {@link dev.pump.core.pipeline.Middleware} links, the context they see, and
 * the names of the built-in links to insert around.
 */
package dev.pump.core.pipeline;
