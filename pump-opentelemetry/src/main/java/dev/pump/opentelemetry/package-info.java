/**
 * OpenTelemetry traces of Pump's messages: create, send and process spans, made by {@link
 * dev.pump.opentelemetry.PumpTracing}. Everything else in this package is internal.
 */
package dev.pump.opentelemetry;
