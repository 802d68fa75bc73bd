/** Pump core: endpoint, message pump, pipeline, handlers, routing, recoverability, transports. */
module dev.pump.core {
  requires transitive org.slf4j;
  requires tools.jackson.databind;

  exports dev.pump.core;
}
