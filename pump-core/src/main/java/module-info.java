/**
 * Pump core: endpoint, message pump, pipeline, handlers, routing, recoverability, serializer,
 * transport SPI and the in-memory transport. No database code. Only the public API packages are
 * exported; {@code dev.pump.core.internal.*} is not.
 */
module dev.pump.core {
  requires transitive org.slf4j;
  requires transitive tools.jackson.databind;

  exports dev.pump.core;
  exports dev.pump.core.pipeline;
  exports dev.pump.core.recoverability;
  exports dev.pump.core.serialization;
  exports dev.pump.core.transport;
  exports dev.pump.core.transport.memory;
}
