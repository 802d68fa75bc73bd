/**
 * Pump's public API: {@link dev.pump.core.Endpoint} and its builder, {@link dev.pump.core.Handler},
 * the handler's {@link dev.pump.core.Context}, {@link dev.pump.core.SendOptions}, {@link
 * dev.pump.core.Headers}, name validation and the exceptions.
 */
package dev.pump.core;
