/**
 * Pump's Micrometer metrics: OpenTelemetry's messaging metric names where they exist, Pump's own
 * under {@code pump.}. The outbox and queue gauges need {@code dev.pump.jdbc}, which is optional.
 */
module dev.pump.micrometer {
  requires transitive dev.pump.core;
  requires transitive micrometer.core;
  requires static transitive dev.pump.jdbc;

  exports dev.pump.micrometer;
}
