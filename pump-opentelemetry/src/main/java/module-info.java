/**
 * Pump's OpenTelemetry traces, after the messaging semantic conventions: {@link
 * dev.pump.opentelemetry.PumpTracing}. Needs only the OpenTelemetry API at run time; the
 * application brings the SDK and its exporters.
 */
module dev.pump.opentelemetry {
  requires transitive dev.pump.core;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;

  exports dev.pump.opentelemetry;
}
