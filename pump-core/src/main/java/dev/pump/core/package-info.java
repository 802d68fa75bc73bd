/**
 * Pump's public API: {@link dev.pump.core.Endpoint} and its builder, {@link dev.pump.core.Handler},
 * the handler's {@link dev.pump.core.Context}, {@link dev.pump.core.SendOptions}, {@link
 * dev.pump.core.Headers} and the exceptions. Transports and storages implement {@link
 * dev.pump.core.spi}.
 *
 * <h2 id="names">Names</h2>
 *
 * Endpoint, queue, topic and pipeline-link names, and message ids, are an ASCII letter or digit
 * followed by up to 199 ASCII letters, digits, {@code .}, {@code _}, {@code :} or {@code -}. They
 * travel into broker declarations and SQL, so Pump refuses any other name where it is configured.
 */
package dev.pump.core;
