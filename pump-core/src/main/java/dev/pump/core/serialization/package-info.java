/**
 * {@link dev.pump.core.serialization.JsonSerializer}, the default serializer (Jackson 3). On
 * Jackson 2 (Spring Boot 3), {@code dev.pump.jackson2.Jackson2Serializer} from {@code
 * pump-jackson2} takes its place; its {@code create()} writes and reads the same JSON as {@code
 * JsonSerializer.create()}. To write another, implement {@link dev.pump.core.spi.Serializer}.
 */
package dev.pump.core.serialization;
