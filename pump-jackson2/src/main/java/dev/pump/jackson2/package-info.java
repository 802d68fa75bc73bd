/**
 * {@link dev.pump.jackson2.Jackson2Serializer}: Pump's JSON serializer on Jackson 2, for an
 * application whose {@code ObjectMapper} is Jackson 2 (Spring Boot 3). On Jackson 3 (Spring Boot 4)
 * the default, {@link dev.pump.core.serialization.JsonSerializer}, needs nothing from here.
 */
package dev.pump.jackson2;
