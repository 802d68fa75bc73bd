/**
 * Pump core: endpoint, message pump, pipeline, handlers, routing, recoverability, serializer, the
 * SPI for transports and storages, and the in-memory transport. No database code. {@code
 * dev.pump.core.internal.*} is not API; its {@code shared} package is exported only to Pump's own
 * modules.
 */
module dev.pump.core {
  requires transitive org.slf4j;
  requires transitive tools.jackson.databind;

  exports dev.pump.core;
  exports dev.pump.core.recoverability;
  exports dev.pump.core.serialization;
  exports dev.pump.core.spi;
  exports dev.pump.core.spi.pipeline;
  exports dev.pump.core.spi.telemetry;
  exports dev.pump.core.memory;
  exports dev.pump.core.internal.shared to
      dev.pump.jdbc,
      dev.pump.rabbitmq,
      dev.pump.kafka,
      dev.pump.micrometer;
}
