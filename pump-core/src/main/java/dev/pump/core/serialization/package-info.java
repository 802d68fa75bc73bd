/**
 * {@link dev.pump.core.serialization.JsonSerializer}, the default serializer (Jackson 3). To write
 * another, implement {@link dev.pump.core.spi.Serializer}.
 */
package dev.pump.core.serialization;
