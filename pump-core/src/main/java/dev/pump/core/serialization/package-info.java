/**
 * The serializer SPI ({@link dev.pump.core.serialization.Serializer}) and its JSON default ({@link
 * dev.pump.core.serialization.JsonSerializer}).
 */
package dev.pump.core.serialization;
